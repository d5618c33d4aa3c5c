import { parseEntityRef } from '@backstage/catalog-model';
import { Config } from '@backstage/config';

/** The placeholders of `cicdSecurity.sources.linkTemplate`. */
export const LINK_PLACEHOLDERS = [
  'entityRef',
  'namespace',
  'kind',
  'name',
  'dir',
  'path',
  'line',
] as const;

/**
 * Reads and checks `cicdSecurity.sources.linkTemplate`: an http(s) URL or a
 * path of the portal (starting with `/`), with a `{path}` placeholder and no
 * unknown placeholder. Undefined when not configured.
 */
export function readLinkTemplate(config: Config): string | undefined {
  const template = config
    .getOptionalString('cicdSecurity.sources.linkTemplate')
    ?.trim();
  if (!template) return undefined;
  const problem = invalidLinkTemplate(template);
  if (problem) {
    throw new Error(
      `cicdSecurity.sources.linkTemplate '${template}' is invalid: ${problem}`,
    );
  }
  return template;
}

/** Why a link template is unusable, or undefined. */
export function invalidLinkTemplate(template: string): string | undefined {
  if (!/^https?:\/\//i.test(template) && !/^\/(?!\/)/.test(template)) {
    return 'it must start with http://, https:// or / (a path of the portal)';
  }
  if (!template.includes('{path}')) {
    return 'it must contain the {path} placeholder';
  }
  const unknown = [...template.matchAll(/\{([^{}]*)\}/g)]
    .map(m => m[1])
    .filter(p => !(LINK_PLACEHOLDERS as readonly string[]).includes(p));
  if (unknown.length) {
    return `unknown placeholder${unknown.length > 1 ? 's' : ''} ${unknown
      .map(p => `{${p}}`)
      .join(', ')}; known: ${LINK_PLACEHOLDERS.map(p => `{${p}}`).join(', ')}`;
  }
  return undefined;
}

/**
 * The template with the entity's placeholders filled in (`{entityRef}`,
 * `{namespace}`, `{kind}`, `{name}`, each URL-encoded, and `{dir}`, the
 * directory of the `dir:` location as written, each segment URL-encoded,
 * without a trailing slash),
 * leaving `{path}` and `{line}` for each finding. Undefined unless the
 * source is a `dir:` location (`url:` sources link to their SCM).
 */
export function entitySourceLinkTemplate(
  template: string | undefined,
  entityRef: string,
  sourceLocation: string | undefined,
): string | undefined {
  if (!template || !sourceLocation?.startsWith('dir:')) return undefined;
  const ref = parseEntityRef(entityRef);
  // Without a trailing slash, so that `{dir}/{path}` has one.
  const dir = sourceLocation
    .slice('dir:'.length)
    .trim()
    .replace(/(.)\/+$/, '$1');
  const values: Record<string, string> = {
    entityRef: encodeURIComponent(entityRef),
    namespace: encodeURIComponent(ref.namespace),
    kind: encodeURIComponent(ref.kind.toLocaleLowerCase('en-US')),
    name: encodeURIComponent(ref.name),
    dir: dir.split('/').map(encodeURIComponent).join('/'),
  };
  return template.replace(/\{(entityRef|namespace|kind|name|dir)\}/g, (_, p) =>
    values[p] === undefined ? `{${p}}` : values[p],
  );
}
