export interface Config {
  cicdSecurity?: {
    /**
     * The SonarQube facts module
     * (`@cicd-security/plugin-cicd-security-backend-module-sonarqube`). Off
     * unless a `baseUrl` and `token`, or `instances`, are set. SonarCloud is
     * configured the same way, with `baseUrl: https://sonarcloud.io`.
     */
    sonarqube?: {
      /** The instance named `default`: its URL, e.g. `https://sonarqube.example.com` or `https://sonarcloud.io`. */
      baseUrl?: string;
      /**
       * A token of the default instance with Browse permission on the
       * projects, sent as a Bearer token. It stays in the backend.
       * @visibility secret
       */
      token?: string;
      /** The URL users open, for dashboard links, when it differs from `baseUrl`. */
      externalBaseUrl?: string;
      /**
       * Named instances; the annotation `sonarqube.org/project-key:
       * <name>/<key>` picks one, a key without a name picks `default` (or
       * the only instance).
       */
      instances?: Array<{
        name: string;
        baseUrl: string;
        /** @visibility secret */
        token: string;
        externalBaseUrl?: string;
      }>;
      /** Time limit of one request, in milliseconds. Default: 10000. */
      requestTimeoutMs?: number;
    };
  };
}
