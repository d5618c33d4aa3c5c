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
    };
  };
}
