import { RootConfigService } from '@backstage/backend-plugin-api';

/** The annotation that links a component to its SonarQube project. */
export const SONARQUBE_PROJECT_KEY_ANNOTATION = 'sonarqube.org/project-key';

/** The name of the instance configured by `baseUrl` and `token` alone. */
export const DEFAULT_INSTANCE = 'default';

/** A SonarQube Server or SonarCloud instance and the token to read it with. */
export interface SonarqubeInstance {
  name: string;
  /** API base, without a trailing slash. */
  baseUrl: string;
  token: string;
  /** Base of the links shown to users; default `baseUrl`. */
  externalBaseUrl?: string;
}

/**
 * The instances of `cicdSecurity.sonarqube`: the top-level `baseUrl` and
 * `token` as `default`, then `instances`. Empty when nothing is configured,
 * which keeps the module off.
 */
export function readSonarqubeInstances(
  config: RootConfigService,
): SonarqubeInstance[] {
  const sonar = config.getOptionalConfig('cicdSecurity.sonarqube');
  if (!sonar) return [];
  const instances: SonarqubeInstance[] = [];
  const trim = (url: string) => url.replace(/\/+$/, '');
  if (sonar.has('baseUrl') || sonar.has('token')) {
    const external = sonar.getOptionalString('externalBaseUrl');
    instances.push({
      name: DEFAULT_INSTANCE,
      baseUrl: trim(sonar.getString('baseUrl')),
      token: sonar.getString('token'),
      ...(external ? { externalBaseUrl: trim(external) } : {}),
    });
  }
  for (const entry of sonar.getOptionalConfigArray('instances') ?? []) {
    const name = entry.getString('name');
    if (instances.some(i => i.name === name)) {
      throw new Error(
        `cicdSecurity.sonarqube: the instance name '${name}' is used twice`,
      );
    }
    const external = entry.getOptionalString('externalBaseUrl');
    instances.push({
      name,
      baseUrl: trim(entry.getString('baseUrl')),
      token: entry.getString('token'),
      ...(external ? { externalBaseUrl: trim(external) } : {}),
    });
  }
  return instances;
}

/**
 * The annotation's value as the Backstage SonarQube plugin reads it:
 * `instance/key` when it holds a `/` (split at the first one), else `key`.
 */
export function parseProjectKeyAnnotation(value: string): {
  instance?: string;
  projectKey: string;
} {
  const trimmed = value.trim();
  const slash = trimmed.indexOf('/');
  return slash > -1
    ? {
        instance: trimmed.slice(0, slash),
        projectKey: trimmed.slice(slash + 1),
      }
    : { projectKey: trimmed };
}

/**
 * The instance an annotation names: by name, else `default`, else the only
 * instance configured.
 */
export function pickInstance(
  instances: readonly SonarqubeInstance[],
  name: string | undefined,
): SonarqubeInstance | undefined {
  if (name !== undefined) return instances.find(i => i.name === name);
  return (
    instances.find(i => i.name === DEFAULT_INSTANCE) ??
    (instances.length === 1 ? instances[0] : undefined)
  );
}
