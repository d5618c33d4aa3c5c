export interface Config {
  cicdSecurity?: {
    /**
     * The Snyk facts module
     * (`@cicd-security/plugin-cicd-security-backend-module-snyk`). Off
     * unless `token` is set.
     */
    snyk?: {
      /**
       * A Snyk API token or service account token with View Organization
       * and View Project on the organizations of the annotated components,
       * sent as `Authorization: token …`. It stays in the backend.
       * @visibility secret
       */
      token?: string;
      /**
       * The Snyk API of your region: `https://api.snyk.io` (default),
       * `https://api.eu.snyk.io`, `https://api.au.snyk.io`, `https://api.us.snyk.io`.
       */
      apiBaseUrl?: string;
      /** The REST API version date sent as `version`. Default: 2024-10-15. */
      version?: string;
      /** Pages of 100 read per list (projects, issues of one project). Default: 10. */
      maxPages?: number;
      /** Snyk projects read per component. Default: 20. */
      maxProjects?: number;
      /** Time limit of one request, in milliseconds. Default: 10000. */
      requestTimeoutMs?: number;
    };
  };
}
