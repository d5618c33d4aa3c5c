export interface Config {
  cicdSecurity?: {
    /** The GitHub facts module (`@cicd-security/plugin-cicd-security-backend-module-github`). */
    github?: {
      /**
       * Pages of 100 open alerts read per kind (Dependabot, code scanning,
       * secret scanning) and repository; alerts past them are not counted.
       * Default: 10.
       */
      maxAlertPages?: number;
      /**
       * GitHub answers kept in memory (ETag and the part of the answer the
       * facts use) so that unchanged settings are re-read with conditional
       * requests, which cost no rate limit. Default: 5000.
       */
      cacheEntries?: number;
      /**
       * Longest GitHub rate-limit pause a scan waits for; past it the facts
       * still to read are reported as delayed. Keep it below
       * `cicdSecurity.facts.timeoutMs` (30 seconds by default). Default: 10.
       */
      maxRateLimitWaitSeconds?: number;
      /**
       * How long answers that carry no ETag are given again from memory
       * instead of asked again: the 204 of enabled Dependabot alerts and the
       * 404s of features that are off (no classic branch protection,
       * Dependabot or code scanning disabled). With it, an unchanged
       * repository is read with 304s only. A change to those settings shows
       * after at most this long. 0 asks again at every scan.
       * Default: 21600 (6 hours).
       */
      rememberWithoutEtagSeconds?: number;
      /**
       * How long answers about settings that change rarely (Actions
       * settings, webhooks, deploy keys, environments, collaborators,
       * repository secrets, the Dependabot and private vulnerability
       * reporting switches) are given from memory before they are asked
       * again. The repository, the default branch's rules and the open
       * alerts are asked at every scan. Each fact on the scorecard shows
       * when it was read. 0 asks everything at every scan.
       * Default: 21600 (6 hours).
       */
      settingsMaxAgeSeconds?: number;
      /**
       * Read repository metadata, whether Dependabot alerts are on, the open
       * Dependabot alerts and the collaborators with one GraphQL query
       * instead of four REST requests or more (three fewer, and one fewer
       * per extra page of alerts, on a first scan). GraphQL has no
       * conditional requests: the query costs a point of the GraphQL rate
       * limit at every scan, also for an unchanged repository, where the
       * REST requests it replaces are mostly free 304s. Default: false.
       */
      graphql?: boolean;
    };
  };
}
