export interface Config {
  cicdSecurity?: {
    /** The GitLab facts module (`@cicd-security/plugin-cicd-security-backend-module-gitlab`). */
    gitlab?: {
      /**
       * Pages of 100 read per list (protected branches, approval rules,
       * webhooks, protected environments, variables, members,
       * vulnerabilities) and project; items past them are not counted.
       * Default: 10.
       */
      maxPages?: number;
      /**
       * GitLab answers kept in memory (ETag and the part of the answer the
       * facts use) so that unchanged settings are re-read with conditional
       * requests. Default: 5000.
       */
      cacheEntries?: number;
      /**
       * Longest GitLab rate-limit pause a scan waits for; past it the facts
       * still to read are reported as delayed. Keep it below
       * `cicdSecurity.facts.timeoutMs` (30 seconds by default). Default: 10.
       */
      maxRateLimitWaitSeconds?: number;
      /**
       * How long answers that carry no ETag and say a feature is off or a
       * resource is absent are given again from memory instead of asked
       * again: the 404s of Premium and Ultimate endpoints on a lower tier
       * (approvals, approval rules, push rule, vulnerabilities) and a
       * `null` push rule (none set). 401s, 403s, server errors and
       * rate-limited answers are never remembered. A change to those
       * settings shows after at most this long. 0 asks again at every scan.
       * Default: 21600 (6 hours).
       */
      rememberWithoutEtagSeconds?: number;
      /**
       * How long answers about settings that change rarely (webhooks,
       * protected environments, CI/CD variables, the job token scope,
       * members) are given from memory before they are asked again. The
       * project, the default branch's rules (protected branches, approvals,
       * approval rules, push rule) and the vulnerabilities are asked at
       * every scan. Each fact on the scorecard shows when it was read. 0
       * asks everything at every scan.
       * Default: 21600 (6 hours).
       */
      settingsMaxAgeSeconds?: number;
      /**
       * Largest GitLab answer read, in bytes; a larger one makes its fact
       * unavailable. Default: 5242880 (5 MiB).
       */
      maxResponseBytes?: number;
    };
  };
}
