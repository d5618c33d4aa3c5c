import {
  ANNOTATION_LOCATION,
  ANNOTATION_ORIGIN_LOCATION,
  Entity,
} from '@backstage/catalog-model';
import {
  CICD_SECURITY_SOURCE_ANNOTATION,
  SOURCE_LOCATION_ANNOTATION,
} from '@cicd-security/plugin-cicd-security-common';
import fs from 'fs';
import path from 'path';

/** Where the repository of an entity can be read from, or why it cannot. */
export type ResolvedSource =
  /** A local directory, already resolved (symbolic links included) inside a root. */
  | { type: 'local'; path: string; location: string }
  /** A URL inside one of the configured SCM integrations, read with the UrlReaderService. */
  | { type: 'url'; url: string; location: string }
  /** The entity does not say where its source is, or the directory is missing. */
  | { type: 'none'; reason: string }
  /** The entity points somewhere cicd-security will not read. */
  | { type: 'refused'; reason: string; location?: string };

export interface ResolveSourceOptions {
  /**
   * Directories that local sources must lie under. Relative entries resolve
   * against the working directory of the process.
   */
  localRoots: string[];
  /**
   * The configured SCM integrations (`ScmIntegrations.fromConfig(config)`);
   * `url:` sources must belong to one of them. Absent: every `url:` source
   * is refused.
   */
  integrations?: { byUrl(url: string): unknown };
  /**
   * Where `url:` sources may point (`cicdSecurity.sources.allow`). Unset: a
   * `url:` source must lie on the host and under the first path segment
   * (organisation or top-level group) of the catalog location that
   * registered the entity, so that registering an entity does not let anyone
   * read other repositories with the backend's integration credentials.
   */
  allow?: SourceAllowEntry[];
}

/** One entry of `cicdSecurity.sources.allow`. */
export interface SourceAllowEntry {
  /** Host (with port, if any) of the SCM, e.g. `github.com`. */
  host: string;
  /**
   * Path prefixes on that host, e.g. `my-org/` or `group/subgroup/`, matched
   * by whole segments and case-insensitively. Absent: the whole host.
   */
  paths?: string[];
}

/**
 * Find the source of an entity from its `cicd-security.io/source-location`
 * or `backstage.io/source-location` annotation.
 *
 * `dir:<path>` sources are read from disk only when the path, after following
 * symbolic links, lies inside one of the configured roots; a relative path
 * resolves against the folder of the entity's catalog file when the entity
 * came from a `file:` location. `url:<target>` sources are accepted only
 * when they are http(s) URLs of a host with a configured SCM integration, so
 * no request ever goes to an arbitrary host.
 */
export function resolveSource(
  entity: Entity,
  options: ResolveSourceOptions,
): ResolvedSource {
  const annotations = entity.metadata.annotations ?? {};
  const location =
    annotations[CICD_SECURITY_SOURCE_ANNOTATION]?.trim() ||
    annotations[SOURCE_LOCATION_ANNOTATION]?.trim();
  if (!location) {
    return {
      type: 'none',
      reason: `The entity has no ${SOURCE_LOCATION_ANNOTATION} annotation`,
    };
  }

  const separator = location.indexOf(':');
  const type = separator > 0 ? location.slice(0, separator) : '';
  const target = separator > 0 ? location.slice(separator + 1).trim() : '';
  if (type === 'url' && target) {
    return resolveUrl(entity, target, location, options);
  }
  if (type !== 'dir' || !target) {
    return {
      type: 'refused',
      reason: `Unsupported source location '${location}'; expected dir:<path> or url:<target>`,
      location,
    };
  }

  const roots = options.localRoots.map(r => path.resolve(process.cwd(), r));
  if (roots.length === 0) {
    return {
      type: 'refused',
      reason:
        'Local sources are disabled: cicdSecurity.sources.localRoots is not configured',
      location,
    };
  }

  const absolute = path.resolve(baseDirOf(entity), target);
  // Check the lexical path first, so that nothing outside the roots is even
  // looked at on disk.
  if (!roots.some(root => isInside(root, absolute))) {
    return {
      type: 'refused',
      reason: `Source location '${location}' is outside the allowed local roots`,
      location,
    };
  }

  let real: string;
  try {
    real = fs.realpathSync(absolute);
  } catch {
    return {
      type: 'none',
      reason: `Source directory '${target}' does not exist`,
    };
  }
  const realRoots = roots.flatMap(root => {
    try {
      return [fs.realpathSync(root)];
    } catch {
      return [];
    }
  });
  if (!realRoots.some(root => isInside(root, real))) {
    return {
      type: 'refused',
      reason: `Source location '${location}' resolves outside the allowed local roots`,
      location,
    };
  }
  if (!fs.statSync(real).isDirectory()) {
    return {
      type: 'refused',
      reason: `Source location '${location}' is not a directory`,
      location,
    };
  }
  return { type: 'local', path: real, location };
}

/** The folder of the entity's catalog file, or the working directory. */
function baseDirOf(entity: Entity): string {
  const managedBy = entity.metadata.annotations?.[ANNOTATION_LOCATION];
  if (managedBy?.startsWith('file:')) {
    return path.dirname(path.resolve(managedBy.slice('file:'.length)));
  }
  return process.cwd();
}

function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return (
    relative === '' ||
    (!relative.startsWith(`..${path.sep}`) &&
      relative !== '..' &&
      !path.isAbsolute(relative))
  );
}

function resolveUrl(
  entity: Entity,
  target: string,
  location: string,
  options: ResolveSourceOptions,
): ResolvedSource {
  let url: URL;
  try {
    const managedBy = entity.metadata.annotations?.[ANNOTATION_LOCATION];
    const base = managedBy?.startsWith('url:')
      ? managedBy.slice('url:'.length)
      : undefined;
    url = new URL(target, base);
  } catch {
    return {
      type: 'refused',
      reason: `Source location '${location}' is not a valid URL`,
      location,
    };
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    return {
      type: 'refused',
      reason: `Source location '${location}' must be an http(s) URL`,
      location,
    };
  }
  if (url.username || url.password) {
    return {
      type: 'refused',
      reason: `Source location '${location}' must not embed credentials`,
      location,
    };
  }
  const href = url.toString();
  if (!options.integrations?.byUrl(href)) {
    return {
      type: 'refused',
      reason: `No SCM integration is configured for ${url.host}; add it under integrations: to scan '${location}'`,
      location,
    };
  }
  const denied = options.allow
    ? deniedByAllowList(url, options.allow)
    : deniedByRegisteringLocation(entity, url);
  if (denied) {
    return {
      type: 'refused',
      reason: `Source location '${location}' ${denied}`,
      location,
    };
  }
  return { type: 'url', url: href, location };
}

/** Why the URL is outside `cicdSecurity.sources.allow`, or undefined. */
function deniedByAllowList(
  url: URL,
  allow: SourceAllowEntry[],
): string | undefined {
  const host = url.host.toLocaleLowerCase('en-US');
  const target = pathOf(url);
  const ok = allow.some(
    entry =>
      entry.host.trim().toLocaleLowerCase('en-US') === host &&
      (!entry.paths ||
        entry.paths.some(prefix => {
          const p = normalisePrefix(prefix);
          return p === '' || target.startsWith(p);
        })),
  );
  return ok ? undefined : 'is not allowed by cicdSecurity.sources.allow';
}

/**
 * Why the URL is outside the host and organisation of the catalog
 * location(s) that registered the entity, or undefined. Both
 * `backstage.io/managed-by-location` and
 * `backstage.io/managed-by-origin-location` must agree when they are `url:`
 * locations; `file:` locations are set up by the operator and trusted.
 */
function deniedByRegisteringLocation(
  entity: Entity,
  url: URL,
): string | undefined {
  const annotations = entity.metadata.annotations ?? {};
  const registering = [ANNOTATION_LOCATION, ANNOTATION_ORIGIN_LOCATION]
    .map(a => annotations[a]?.trim())
    .filter((l): l is string => !!l);
  if (registering.length === 0) {
    return `is refused: the entity has no ${ANNOTATION_LOCATION} annotation to compare it with; list the allowed locations in cicdSecurity.sources.allow`;
  }
  const host = url.host.toLocaleLowerCase('en-US');
  const org = firstSegment(pathOf(url));
  for (const loc of registering) {
    const separator = loc.indexOf(':');
    const type = separator > 0 ? loc.slice(0, separator) : '';
    if (type === 'file') continue;
    let base: URL | undefined;
    try {
      base = type === 'url' ? new URL(loc.slice(separator + 1)) : undefined;
    } catch {
      base = undefined;
    }
    if (!base) {
      return `is refused: the entity was registered from '${loc}', not from a url: location; list the allowed locations in cicdSecurity.sources.allow`;
    }
    const baseOrg = firstSegment(pathOf(base));
    if (
      base.host.toLocaleLowerCase('en-US') !== host ||
      !org ||
      org !== baseOrg
    ) {
      return `is outside ${base.host}/${baseOrg}, where the entity was registered ('${loc}'); list other locations in cicdSecurity.sources.allow`;
    }
  }
  return undefined;
}

/** The URL's path, decoded, lower-case, without the leading slash, ending in '/'. */
function pathOf(url: URL): string {
  let p: string;
  try {
    p = decodeURIComponent(url.pathname);
  } catch {
    p = url.pathname;
  }
  p = p.replace(/^\/+/, '').toLocaleLowerCase('en-US');
  return p.endsWith('/') ? p : `${p}/`;
}

function normalisePrefix(prefix: string): string {
  const p = prefix.trim().replace(/^\/+/, '').toLocaleLowerCase('en-US');
  return p === '' || p.endsWith('/') ? p : `${p}/`;
}

function firstSegment(p: string): string {
  return p.split('/')[0] ?? '';
}
