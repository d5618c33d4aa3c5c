import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the cicd-security backend plugin. */
  cicdSecurity?: {
    /**
     * When the scan of every catalog component runs.
     * Default: every 30 minutes, first run 5 seconds after start, 10 minute timeout:
     * `{ frequency: { minutes: 30 }, initialDelay: { seconds: 5 }, timeout: { minutes: 10 } }`.
     * A shard run still going at its timeout starts no further scan (the
     * components left are scanned by the next run); the claim of a replica
     * that died mid-run is released by the scheduler after the timeout, and
     * another replica runs the shard.
     */
    schedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /**
     * When components that have never been scanned (new in the catalog, or
     * all of them right after the first start) are picked up between full
     * cycles. Default: every minute, first run 15 seconds after start,
     * timeout 10 minutes. The run is cheap when there is nothing new.
     */
    newEntitiesSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;

    /** Where repositories are read from. */
    sources?: {
      /**
       * Directories that local `dir:` source locations must lie under, after
       * resolving symbolic links. Relative entries resolve against the working
       * directory of the backend process. Default: none, so every `dir:`
       * source is refused.
       */
      localRoots?: string[];
      /**
       * Longest wait for one read of a `url:` source from its SCM, the whole
       * archive download included, in milliseconds. A read that takes longer
       * (a request that never answers, a download that stalls) is abandoned
       * and the component is marked `stale` with the reason, keeping its last
       * scorecard; it is not retried in the same cycle. Default: 120000.
       */
      readTimeoutMs?: number;

      /**
       * Where `url:` sources may point. `url:` sources are read with the
       * backend's own integration credentials (`integrations:`), so whoever
       * can register an entity in the catalog could otherwise point it at
       * any repository those credentials can read (a confused deputy).
       *
       * Each entry names a host (with its port, if any) and, optionally,
       * path prefixes on it, matched by whole path segments and without
       * regard to case, e.g. `{ host: github.com, paths: ['my-org/'] }` or
       * `{ host: gitlab.example.com, paths: ['platform/', 'security/tools/'] }`.
       * An entry without `paths` allows the whole host.
       *
       * Default (unset): a `url:` source must lie on the host and under the
       * first path segment (the GitHub organisation, the top-level GitLab
       * group) of the catalog location that registered the entity
       * (`backstage.io/managed-by-location` and
       * `backstage.io/managed-by-origin-location`, when they are `url:`
       * locations; `file:` locations are set up by the operator and
       * trusted). Entities without such a location cannot use `url:`
       * sources. A refused source shows the "no source" state with the
       * reason, and no request is made. `dir:` sources are governed by
       * `localRoots` only.
       */
      allow?: Array<{
        /** Host of the SCM, e.g. `github.com` or `gitlab.example.com:8443`. */
        host: string;
        /** Path prefixes on the host, e.g. `my-org/`. Default: the whole host. */
        paths?: string[];
      }>;

      /**
       * Files larger than this many bytes are listed (checks see that they
       * exist) but never read nor kept in memory. Default: 1048576 (1 MiB).
       * Secret scanning of larger files needs a larger value (16 MiB at
       * most is advisable).
       */
      maxFileBytes?: number;

      /**
       * Largest total of bytes read from one repository: the files a scan
       * reads (not larger than `maxFileBytes`, outside `node_modules`,
       * `vendor`, `.git` and similar folders, not images, archives or
       * compiled binaries by extension). A repository over the budget ends
       * its scan while it is being downloaded (or, for `dir:` sources,
       * before it is read); the component keeps its last scorecard and shows
       * the state `error` with the reason "repository is larger than …".
       * Default: 67108864 (64 MiB).
       */
      maxTotalBytes?: number;

      /**
       * Where the findings of `dir:` sources link to: a URL, or a path of the
       * portal (starting with `/`), with placeholders filled in for each
       * finding. (`url:` sources link to their SCM through the app's SCM
       * integrations and ignore it.) Placeholders:
       *
       * - `{path}` (required): the file's path in the repository, each
       *   segment URL-encoded, e.g. `.github/workflows/ci.yml`;
       * - `{line}`: the finding's line. A finding without a line drops the
       *   part of the link that holds `{line}`: a `#…{line}` fragment, a
       *   `name={line}` query parameter, or else the `{line}` itself;
       * - `{entityRef}` (`component:default/payments-api`, URL-encoded),
       *   `{namespace}`, `{kind}` (lower case), `{name}`;
       * - `{dir}`: the directory as written in the `dir:` location, each
       *   segment URL-encoded.
       *
       * Examples: an internal git web host,
       * `https://git.example.com/{name}/blob/main/{path}#L{line}`; a
       * monorepo mounted with `dir:`,
       * `https://github.com/my-org/monorepo/blob/main/{dir}/{path}#L{line}`;
       * the portal's own read-only source view (no SCM needed),
       * `/cicd-security/source/{namespace}/{kind}/{name}?path={path}&line={line}`.
       * Checked at startup: an unknown placeholder, a missing `{path}` or a
       * link that is neither http(s) nor a portal path stops the backend.
       * Default: none, findings of `dir:` sources are not links.
       */
      linkTemplate?: string;
    };

    /** On-demand refreshes (`POST /scorecards/:entityRef/refresh`). */
    refresh?: {
      /**
       * Refreshes one caller (a user, or a calling service) may ask for per
       * minute, per backend replica; more are answered 429 with a
       * `Retry-After` header. Refreshes are queued behind the same
       * concurrency limit as scheduled scans (`concurrency`), and an entity
       * already queued or being scanned is not queued again. Default: 30.
       */
      rateLimit?: number;
    };

    /** Portal waivers (`POST /waivers`). */
    waivers?: {
      /**
       * Longest lifetime of a waiver, in days: an expiry further ahead (or
       * in the past) is refused with 400. Default: 365.
       */
      maxDays?: number;
      /**
       * When expired waivers are applied: the scores of the components they
       * covered are recomputed without them (the housekeeping task does it
       * too). Default: every minute, first run 30 seconds after start,
       * timeout 5 minutes:
       * `{ frequency: { minutes: 1 }, initialDelay: { seconds: 30 }, timeout: { minutes: 5 } }`.
       */
      expirySchedule?: SchedulerServiceTaskScheduleDefinitionConfig;
    };

    /**
     * How many components one backend replica scans at the same time, over
     * all of its shard tasks together. Default: 4.
     */
    concurrency?: number;

    /**
     * Into how many shard tasks the scheduled scan is split. Each shard is a
     * global scheduled task (`cicd-security-refresh-shard-<i>-of-<n>`) over a
     * stable hash range of entity refs, so replicas sharing one database scan
     * different shards in parallel and no entity is scanned twice in a cycle.
     * Default: 4.
     */
    shards?: number;

    /**
     * Shard tasks one backend replica runs at the same time. A replica that
     * already runs this many hands a newly claimed shard back to the
     * scheduler (at most three times, a few seconds each) so that an idle
     * replica takes it, and replicas share a cycle evenly. Default: 1.
     * Single-replica deployments may set it to `shards` to skip hand-offs.
     */
    maxConcurrentShards?: number;

    /**
     * Retries of SCM reads that fail with a 5xx status or a rate limit (429,
     * `Retry-After`, `x-ratelimit-remaining: 0`). When retries run out the
     * component is marked `stale` with the reason and keeps its last scorecard.
     */
    retries?: {
      /** Attempts in total, the first one included. Default: 3. */
      maxAttempts?: number;
      /** Delay before the first retry, doubled for each further one (ms). Default: 1000. */
      initialDelayMs?: number;
      /**
       * Longest wait before a retry (ms), also for `Retry-After` and rate-limit
       * resets; a longer wait gives up at once. Default: 30000.
       */
      maxDelayMs?: number;
    };

    /** Scan history retention, applied by the `cicd-security-housekeeping` task. */
    retention?: {
      /** Scan history older than this many days is deleted. Default: 180. */
      days?: number;
      /**
       * History older than this many days is downsampled to one point per
       * component per day (the last scan of the day). Default: 14.
       */
      fullResolutionDays?: number;
    };

    /**
     * History from day one: scan earlier git revisions of each component's
     * source once, after its first scan, and store them as history points
     * dated at their commits (with the commit SHA, marked backfilled), so a
     * fresh install shows a trend. The scorecard itself stays the latest
     * live scan. Off by default.
     */
    backfill?: {
      /** Default: false. */
      enabled?: boolean;
      /**
       * How far back, in days; at most `retention.days`. Default: 90.
       */
      maxAgeDays?: number;
      /**
       * Most revisions scanned per component: the newest commit of each day
       * that changed the source directory. Default: 30.
       */
      maxRevisionsPerComponent?: number;
      /**
       * Source types backfilled. Only `dir` (a directory in a git work tree)
       * is supported; `url` is refused at startup, as reading each earlier
       * revision through an SCM API would download one archive per revision.
       * Default: `['dir']`.
       */
      sources?: Array<'dir'>;
      /** Components backfilled at the same time. Default: 2. */
      concurrency?: number;
      /** Longest time to read and scan one revision, in seconds. Default: 60. */
      revisionTimeoutSeconds?: number;
      /** Longest time of one backfill pass over all components, in minutes. Default: 30. */
      runTimeoutMinutes?: number;
      /**
       * Histories kept outside the sources' own work trees: the history of
       * the `dir:` source `<directory>/<path>` is read from the git
       * repository `<repositories>/<path>` (relative paths resolve against
       * the backend's working directory). Without an entry, the history of a
       * source is that of the git work tree holding it.
       */
      historyRepositories?: Array<{
        directory: string;
        repositories: string;
      }>;
    };

    /**
     * When the housekeeping task (history retention, removal of data of
     * components deleted from the catalog, rescoring after waivers expired)
     * runs.
     * Default: `{ frequency: { hours: 6 }, initialDelay: { minutes: 2 }, timeout: { minutes: 30 } }`.
     */
    housekeepingSchedule?: SchedulerServiceTaskScheduleDefinitionConfig;

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
     * Directory holding the organisation's own check guide pages
     * (`<check-id>.md`) served by `GET /checks/:checkId`, read first: guides
     * of custom checks, or replacements of built-in ones. The built-in
     * checks' guides ship with the engine package and need no setting.
     */
    guidesDir?: string;

    /**
     * The org views (overview, teams, checks, policies, compliance) reuse
     * their organisation-wide figures, computed in the background after a
     * start and then every ten minutes; a scan or a waiver makes them stale
     * and they are recomputed on the next request at most this long after
     * the last computation. The views say when their figures were computed.
     */
    aggregates?: {
      /** Milliseconds; 0 computes the figures on every request. Default: 15000. */
      cacheTtlMs?: number;
    };
    /**
     * Facts the organisation declares, given to every scan (the checks that
     * read them say which). Facts from SCM APIs come from backend modules
     * registered through `cicdSecurityFactsExtensionPoint`.
     */
    facts?: {
      /** GitHub Actions owners the organisation allows (untrusted-actions reports any other). */
      allowedActionOwners?: string[];
      /** Self-hosted runner labels safe for pull requests (self-hosted-runner-on-prs). */
      allowedRunnerLabels?: string[];
      /** The organisation's runners sit behind an egress firewall (runner-egress-policy). */
      runnersBehindEgressFirewall?: boolean;
      /** Longest wait for one fact provider, in milliseconds. Default: 30000. */
      timeoutMs?: number;
    };

    /**
     * Messages to a component's owner through Backstage notifications when a
     * scan makes its scorecard worse, and before a portal waiver expires.
     * Sent only when the notifications backend plugin
     * (`@backstage/plugin-notifications-backend`) is installed in the same
     * backend; each change is notified once (kept in the plugin's database).
     */
    notifications?: {
      /** False sends nothing. Default: true. */
      enabled?: boolean;
      /** The grade dropped since the previous scan. Default: true. */
      gradeDrop?: boolean;
      /** A scan found a critical finding that was not there before. Default: true. */
      newCritical?: boolean;
      /** The component stopped meeting a policy (`cicdSecurity.policies`). Default: true. */
      outOfPolicy?: boolean;
      /** A portal waiver expires within `waiverExpiringDays` (checked daily). Default: true. */
      waiverExpiring?: boolean;
      /** How many days before its expiry a waiver is announced. Default: 7. */
      waiverExpiringDays?: number;
      /**
       * Path of the Security tab on the entity page, for the messages' links
       * (`/catalog/<namespace>/<kind>/<name>/<securityTabPath>`). Default: security.
       */
      securityTabPath?: string;
    };

    /**
     * The organisation's policies: named sets of requirements that a class of
     * components must meet, e.g.
     * `{ name: 'Production services', select: { 'spec.lifecycle': 'production' }, minGrade: 'B', noFailing: { severity: 'critical' } }`.
     * Each component is evaluated from its latest scorecard; one never
     * scanned, or without a source, is "not evaluated" rather than out of
     * policy. A failing check covered by a portal waiver counts as passing
     * (with a waiver, and says so). Checked at startup: an unknown key or
     * check id stops the backend with an error naming it. Served by
     * `GET /policies` and `GET /scorecards/:entityRef/policies`.
     */
    policies?: Array<{
      /** Unique name, shown in the portal. */
      name: string;
      description?: string;
      /**
       * Which components the policy applies to, by catalog fields; every key
       * given must match, and a list matches any of its values. Keys: `kind`,
       * `type` (`spec.type`), `lifecycle` (`spec.lifecycle`), `owner`
       * (`spec.owner`; a group ref, kind group by default), `tags`
       * (`metadata.tags`; at least one of them), `annotations`
       * (`metadata.annotations`; name to value, `'*'` for any value).
       */
      select: {
        [field: string]: string | string[] | { [annotation: string]: string };
      };
      /** The grade or better: A, B, C or D. */
      minGrade?: 'A' | 'B' | 'C' | 'D';
      /** The score (0 to 10) or higher. */
      minScore?: number;
      /** No failing check of this severity or higher. */
      noFailing?: { severity: 'critical' | 'high' | 'medium' | 'low' };
      /** Check ids that must pass (or not apply, or be waived). */
      checksPassing?: string[];
    }>;

    /** Known vulnerabilities of dependencies (open-vulnerable-dependencies). */
    osv?: {
      /**
       * A directory of OSV records (one record per `.json` file, nested
       * folders allowed, as osv.dev's exports lay them out), read at startup;
       * relative paths resolve against the backend's working directory.
       * Without it, open-vulnerable-dependencies uses GitHub Dependabot
       * alerts where the GitHub module supplies them, else is inconclusive.
       */
      directory?: string;
    };
  };
}
