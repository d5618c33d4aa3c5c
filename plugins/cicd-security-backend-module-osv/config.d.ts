export interface Config {
  cicdSecurity?: {
    osv?: {
      /**
       * The OSV API module (`@cicd-security/plugin-cicd-security-backend-module-osv`).
       * The module makes no request unless this block is present (and
       * `enabled` is not false). When it is used, `cicdSecurity.osv.directory`
       * is ignored.
       */
      api?: {
        /** Set false to keep the block but make no request. Default: true. */
        enabled?: boolean;
        /** The OSV API. Default: https://api.osv.dev */
        baseUrl?: string;
        /**
         * How long the vulnerabilities listed for one package version are
         * reused (by every component and replica) before the API is asked
         * again. Default: 24.
         */
        ttlHours?: number;
        /** Timeout of one attempt of a request, its answer included. Default: 15000. */
        timeoutMs?: number;
        /** Retries of a request after a timeout, a network error, 429 or 5xx. Default: 3. */
        retries?: number;
        /** Requests in flight at most, per backend process. Default: 4. */
        concurrency?: number;
        /**
         * The longest `Retry-After` waited for; a longer one fails the
         * request (the check is then inconclusive). Default: 60.
         */
        maxRetryWaitSeconds?: number;
      };
    };
  };
}
