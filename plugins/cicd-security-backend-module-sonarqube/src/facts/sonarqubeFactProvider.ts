import { LoggerService } from '@backstage/backend-plugin-api';
import {
  CicdSecurityFacts,
  Fact,
  FactName,
  FactProvider,
  factUnavailable,
  factValue,
} from '@cicd-security/plugin-cicd-security-node';
import {
  RequestTimeoutError,
  SonarAnswer,
  sonarGet,
  sonarMessage,
} from './http';
import {
  parseProjectKeyAnnotation,
  pickInstance,
  SONARQUBE_PROJECT_KEY_ANNOTATION,
  SonarqubeInstance,
} from './instances';

/** The facts this provider supplies. */
export const SONARQUBE_FACTS = [
  'sonarqube.qualityGate',
] as const satisfies readonly FactName[];

type QualityGate = CicdSecurityFacts['sonarqube.qualityGate'];

/** What a refused token lacks, as the unavailable fact names it. */
export const SONARQUBE_PERMISSION =
  'a token with Browse permission on the project';

export interface SonarqubeFactProviderOptions {
  /** At least one; see `readSonarqubeInstances`. */
  instances: readonly SonarqubeInstance[];
  logger: LoggerService;
  /** Time limit of one request. Default 10 s. */
  requestTimeoutMs?: number;
}

const GATE_STATUSES = new Set(['OK', 'WARN', 'ERROR', 'NONE']);

/** Why the quality gate could not be read. */
class Unavailable extends Error {
  constructor(
    message: string,
    readonly options: { permission?: string; delayed?: boolean } = {},
  ) {
    super(message);
  }
}

/**
 * Reads the quality gate and open issue counts of the SonarQube (or
 * SonarCloud) project named by a component's `sonarqube.org/project-key`
 * annotation: at most three requests per component, the last two only
 * when the first answered.
 */
export function createSonarqubeFactProvider(
  options: SonarqubeFactProviderOptions,
): FactProvider {
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  return {
    id: 'sonarqube',
    facts: SONARQUBE_FACTS,
    appliesTo: subject =>
      Boolean(subject.annotations?.[SONARQUBE_PROJECT_KEY_ANNOTATION]?.trim()),
    async fetch(subject, { signal }) {
      const annotation =
        subject.annotations?.[SONARQUBE_PROJECT_KEY_ANNOTATION] ?? '';
      const { instance: name, projectKey } =
        parseProjectKeyAnnotation(annotation);
      const instance = pickInstance(options.instances, name);
      let fact: Fact;
      if (!projectKey) {
        fact = factUnavailable(
          `the annotation ${SONARQUBE_PROJECT_KEY_ANNOTATION} names no project key ('${annotation}')`,
        );
      } else if (!instance) {
        fact = factUnavailable(
          name === undefined
            ? `no SonarQube instance named 'default' is configured (cicdSecurity.sonarqube.baseUrl, or one of cicdSecurity.sonarqube.instances): prefix the project key with an instance name`
            : `no SonarQube instance named '${name}' is configured (cicdSecurity.sonarqube.instances)`,
        );
      } else {
        try {
          fact = factValue(
            await readQualityGate(instance, projectKey, {
              signal,
              timeoutMs,
              logger: options.logger,
            }),
          );
        } catch (e) {
          if (e instanceof Unavailable) {
            fact = factUnavailable(e.message, e.options);
          } else if (e instanceof RequestTimeoutError) {
            fact = factUnavailable(
              `SonarQube (${instance.name}) gave ${e.message}`,
              { delayed: true },
            );
          } else {
            throw e;
          }
        }
      }
      return { 'sonarqube.qualityGate': fact };
    },
  };
}

async function readQualityGate(
  instance: SonarqubeInstance,
  projectKey: string,
  options: { signal: AbortSignal; timeoutMs: number; logger: LoggerService },
): Promise<QualityGate> {
  const key = encodeURIComponent(projectKey);
  const get = (path: string) =>
    sonarGet(instance.baseUrl, path, {
      token: instance.token,
      signal: options.signal,
      timeoutMs: options.timeoutMs,
    });
  const gatePath = `/api/qualitygates/project_status?projectKey=${key}`;
  const gate = await get(gatePath);
  if (gate.status !== 200) throw refusal(instance, gatePath, gate, projectKey);
  const status = (
    gate.body as { projectStatus?: { status?: unknown } } | undefined
  )?.projectStatus;
  if (!status || !GATE_STATUSES.has(String(status.status))) {
    throw new Unavailable(
      `SonarQube (${instance.name}) answered GET ${gatePath} without a projectStatus.status`,
    );
  }
  const projectStatus = status as {
    status: QualityGate['status'];
    conditions?: Array<Record<string, unknown>>;
  };
  const conditions = (projectStatus.conditions ?? []).flatMap(c => {
    const text = (v: unknown) =>
      typeof v === 'string' || typeof v === 'number' ? String(v) : undefined;
    const metricKey = text(c.metricKey);
    const conditionStatus = text(c.status);
    if (!metricKey || !conditionStatus) return [];
    const optional = {
      comparator: text(c.comparator),
      errorThreshold: text(c.errorThreshold),
      actualValue: text(c.actualValue),
    };
    return [
      {
        metricKey,
        status: conditionStatus,
        ...Object.fromEntries(
          Object.entries(optional).filter(([, v]) => v !== undefined),
        ),
      },
    ];
  });

  // The counts are extra: a refusal or an older server leaves them out.
  const issuesPath = `/api/issues/search?componentKeys=${key}&resolved=false&facets=types&ps=1`;
  const hotspotsPath = `/api/hotspots/search?projectKey=${key}&status=TO_REVIEW&ps=1`;
  const [issues, hotspots] = await Promise.all([
    get(issuesPath).catch(e => e as Error),
    get(hotspotsPath).catch(e => e as Error),
  ]);
  const openIssues: Record<string, number> = {};
  if (!(issues instanceof Error) && issues.status === 200) {
    const facets = (
      issues.body as {
        facets?: Array<{
          property?: string;
          values?: Array<{ val?: string; count?: number }>;
        }>;
      }
    )?.facets;
    for (const v of facets?.find(f => f.property === 'types')?.values ?? []) {
      if (typeof v.val === 'string' && Number.isInteger(v.count)) {
        openIssues[v.val] = Math.max(0, v.count!);
      }
    }
  } else {
    options.logger.debug(
      `SonarQube (${instance.name}): no issue counts for ${projectKey}: ${
        issues instanceof Error ? issues.message : `HTTP ${issues.status}`
      }`,
    );
  }
  if (!(hotspots instanceof Error) && hotspots.status === 200) {
    const total = (hotspots.body as { paging?: { total?: number } })?.paging
      ?.total;
    if (Number.isInteger(total)) openIssues.SECURITY_HOTSPOT = total!;
  }
  return {
    projectKey,
    status: projectStatus.status,
    conditions,
    url: `${instance.externalBaseUrl ?? instance.baseUrl}/dashboard?id=${key}`,
    ...(Object.keys(openIssues).length ? { openIssues } : {}),
  };
}

/** The unavailable fact of an answer other than 200, with the reason and permission. */
function refusal(
  instance: SonarqubeInstance,
  path: string,
  answer: SonarAnswer,
  projectKey: string,
): Unavailable {
  const said = sonarMessage(answer.body);
  const what = `SonarQube (${instance.name}) answered ${
    answer.status
  } to GET ${path}${said ? `: ${said}` : ''}`;
  if (answer.status === 401 || answer.status === 403) {
    return new Unavailable(
      answer.status === 401
        ? `${what} (the token is missing, expired or revoked)`
        : what,
      { permission: SONARQUBE_PERMISSION },
    );
  }
  if (answer.status === 404) {
    return new Unavailable(
      `${what} (no project '${projectKey}' on ${instance.baseUrl}: check the annotation ${SONARQUBE_PROJECT_KEY_ANNOTATION}, or that the token may see the project)`,
    );
  }
  // Rate limits and server errors pass: the next scan reads it again.
  return new Unavailable(what, {
    delayed: answer.status === 429 || answer.status >= 500,
  });
}
