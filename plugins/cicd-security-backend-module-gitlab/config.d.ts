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
       * Largest GitLab answer read, in bytes; a larger one makes its fact
       * unavailable. Default: 5242880 (5 MiB).
       */
      maxResponseBytes?: number;
    };
  };
}
