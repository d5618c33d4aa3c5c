import { Entity, ANNOTATION_LOCATION } from '@backstage/catalog-model';
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
  return { type: 'url', url: href, location };
}
