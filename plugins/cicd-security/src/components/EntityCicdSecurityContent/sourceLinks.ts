import { useApiHolder } from '@backstage/core-plugin-api';
import { scmIntegrationsApiRef } from '@backstage/integration-react';

/**
 * A finding's link from a source link template (the scorecard's
 * `sourceLinkTemplate`, from `cicdSecurity.sources.linkTemplate`): `{path}`
 * becomes the file's path with each segment URL-encoded, `{line}` the line.
 * Without a line, the part of the link that holds `{line}` is dropped: a
 * `#…{line}` fragment, a `name={line}` query parameter, or else `{line}`
 * alone. Undefined unless the result is an http(s) URL or a path of the
 * portal.
 */
export function expandSourceLinkTemplate(
  template: string,
  file: string,
  line?: number,
): string | undefined {
  const path = file
    .replace(/^\.?\/+/, '')
    .split('/')
    .map(encodeURIComponent)
    .join('/');
  let link = template;
  if (line && line > 0) {
    link = link.split('{line}').join(String(line));
  } else {
    const hash = link.indexOf('#');
    if (hash >= 0 && link.indexOf('{line}', hash) >= 0) {
      link = link.slice(0, hash);
    }
    link = link
      .replace(/([?&])[^?&#=]*=[^?&#]*\{line\}[^&#]*&?/g, '$1')
      .replace(/[?&]$/, '')
      .split('{line}')
      .join('');
  }
  link = link.split('{path}').join(path);
  return /^https?:\/\//i.test(link) || /^\/(?!\/)/.test(link)
    ? link
    : undefined;
}

/**
 * Turns a finding's file and line into a link to its source:
 *
 * - `sourceLocation` a link template (the scorecard's `sourceLinkTemplate`,
 *   holding `{path}`): the template, expanded ({@link expandSourceLinkTemplate});
 * - `sourceLocation` a URL (the scorecard's `scmUrl`, or its `url:` source
 *   location): the file in the SCM (GitHub, GitLab, Bitbucket, Azure
 *   DevOps…) through the app's SCM integrations;
 * - otherwise (a `dir:` source without a template): no link.
 */
export function useSourceLink(sourceLocation?: string) {
  const scm = useApiHolder().get(scmIntegrationsApiRef);
  return (file: string, line?: number): string | undefined => {
    if (!sourceLocation) {
      return undefined;
    }
    if (sourceLocation.includes('{path}')) {
      return expandSourceLinkTemplate(sourceLocation, file, line);
    }
    const base = sourceLocation.replace(/^url:/, '');
    if (!scm || !/^https?:\/\//.test(base)) {
      return undefined;
    }
    try {
      return scm.resolveUrl({ url: file, base, lineNumber: line });
    } catch {
      return undefined;
    }
  };
}
