import { ConfigReader } from '@backstage/config';
import {
  entitySourceLinkTemplate,
  invalidLinkTemplate,
  readLinkTemplate,
} from './sourceLinks';

describe('readLinkTemplate', () => {
  const read = (linkTemplate?: string) =>
    readLinkTemplate(
      new ConfigReader({ cicdSecurity: { sources: { linkTemplate } } }),
    );

  it('accepts http(s) URLs and paths of the portal', () => {
    expect(read()).toBeUndefined();
    expect(
      read('https://git.example.com/{name}/blob/main/{path}#L{line}'),
    ).toBe('https://git.example.com/{name}/blob/main/{path}#L{line}');
    expect(
      read('/cicd-security/source/{namespace}/{kind}/{name}?path={path}'),
    ).toBe('/cicd-security/source/{namespace}/{kind}/{name}?path={path}');
  });

  it('stops the start with the reason for an unusable template', () => {
    const script = ['javascript', 'alert({path})'].join(':');
    expect(() => read(script)).toThrow(
      `cicdSecurity.sources.linkTemplate '${script}' is invalid: it must start with http://, https:// or /`,
    );
    expect(() => read('//evil.example.com/{path}')).toThrow('must start with');
    expect(() => read('https://git.example.com/{name}')).toThrow(
      'it must contain the {path} placeholder',
    );
    expect(() => read('https://git/{repo}/{path}#L{lines}')).toThrow(
      'unknown placeholders {repo}, {lines}',
    );
  });

  it('explains nothing for a valid template', () => {
    expect(invalidLinkTemplate('/x?path={path}&line={line}')).toBeUndefined();
  });
});

describe('entitySourceLinkTemplate', () => {
  const template =
    'https://git.example.com/{namespace}/{kind}/{name}/{dir}/{path}#L{line}?r={entityRef}';

  it('fills in the entity, URL-encoded, and leaves {path} and {line}', () => {
    expect(
      entitySourceLinkTemplate(
        template,
        'component:default/payments-api',
        'dir:../repos/pay ments',
      ),
    ).toBe(
      'https://git.example.com/default/component/payments-api/../repos/pay%20ments/{path}#L{line}?r=component%3Adefault%2Fpayments-api',
    );
  });

  it('writes {dir} without its trailing slash', () => {
    expect(
      entitySourceLinkTemplate(
        'https://github.com/acme/mono/blob/main/{dir}/{path}',
        'component:default/x',
        'dir:services/x/',
      ),
    ).toBe('https://github.com/acme/mono/blob/main/services/x/{path}');
  });

  it('gives nothing for url: sources or without a template', () => {
    expect(
      entitySourceLinkTemplate(
        template,
        'component:default/x',
        'url:https://github.com/acme/x',
      ),
    ).toBeUndefined();
    expect(
      entitySourceLinkTemplate(undefined, 'component:default/x', 'dir:x'),
    ).toBeUndefined();
    expect(
      entitySourceLinkTemplate(template, 'component:default/x', undefined),
    ).toBeUndefined();
  });
});
