import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the cicd-security backend plugin. */
  cicdSecurity?: {
    /**
     * When the scan of every catalog component runs.
     * Default: every 30 minutes, first run 5 seconds after start, 10 minute timeout:
     * `{ frequency: { minutes: 30 }, initialDelay: { seconds: 5 }, timeout: { minutes: 10 } }`.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /** Where repositories are read from. */
    sources?: {
      /**
       * Directories that local `dir:` source locations must lie under, after
       * resolving symbolic links. Relative entries resolve against the working
       * directory of the backend process. Default: none, so every `dir:`
       * source is refused.
       */
      localRoots?: string[];
    };

    /**
     * How many components are scanned at the same time by the scheduled scan.
     * Default: 4.
     */
    concurrency?: number;

    /** How check results become scores and grades. */
    scoring?: {
      /**
       * Weight of each severity inside a category mean.
       * Default: `{ critical: 10, high: 7.5, medium: 5, low: 2.5 }`.
       */
      severityWeights?: {
        critical?: number;
        high?: number;
        medium?: number;
        low?: number;
      };
      /**
       * Weight of each category in the overall score, keyed by category id
       * (e.g. `secrets-management`). Default: 1 for every category.
       */
      categoryWeights?: { [category: string]: number };
      /**
       * Per-check weights, keyed by check id; they replace the severity
       * weight of that check. Default: none.
       */
      checkWeights?: { [checkId: string]: number };
      /**
       * Lowest score (0-10) that earns each grade; below D is F.
       * Default: `{ A: 9, B: 7.5, C: 6, D: 4 }`.
       */
      gradeBands?: {
        A?: number;
        B?: number;
        C?: number;
        D?: number;
      };
    };

    /** Per-check settings, keyed by check id (e.g. `unpinned-actions`). */
    checks?: {
      [checkId: string]: {
        /** Set to false to leave the check out of every scan. Default: true. */
        enabled?: boolean;
      };
    };

    /**
     * Directory holding the check guide pages (`<check-id>.md`) served by
     * `GET /checks/:checkId`. Default: the `docs/checks` folder of this
     * project when it can be found.
     */
    guidesDir?: string;
  };
}
