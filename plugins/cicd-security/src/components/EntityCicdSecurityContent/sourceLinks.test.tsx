import { screen } from '@testing-library/react';
import { renderInTestApp } from '@backstage/test-utils';
import { Finding } from '@cicd-security/plugin-cicd-security-common';
import { FindingItem } from './CheckFindings';
import { expandSourceLinkTemplate } from './sourceLinks';

describe('expandSourceLinkTemplate', () => {
  const view =
    '/cicd-security/source/default/component/payments-api?path={path}&line={line}';
  const host = 'https://git.example.com/payments-api/blob/main/{path}#L{line}';

  it('fills in the path, each segment URL-encoded, and the line', () => {
    expect(expandSourceLinkTemplate(view, '.github/workflows/ci.yml', 12)).toBe(
      '/cicd-security/source/default/component/payments-api?path=.github/workflows/ci.yml&line=12',
    );
    expect(expandSourceLinkTemplate(host, 'a b/c#d?.yml', 3)).toBe(
      'https://git.example.com/payments-api/blob/main/a%20b/c%23d%3F.yml#L3',
    );
  });

  it('drops the part that holds {line} when the finding has no line', () => {
    expect(expandSourceLinkTemplate(view, 'Dockerfile')).toBe(
      '/cicd-security/source/default/component/payments-api?path=Dockerfile',
    );
    expect(
      expandSourceLinkTemplate(
        '/x?line={line}&path={path}',
        'Dockerfile',
        undefined,
      ),
    ).toBe('/x?path=Dockerfile');
    expect(expandSourceLinkTemplate(host, 'Dockerfile')).toBe(
      'https://git.example.com/payments-api/blob/main/Dockerfile',
    );
    expect(expandSourceLinkTemplate('/src/{path}/{line}', 'a.sh')).toBe(
      '/src/a.sh/',
    );
  });

  it('gives no link unless it is an http(s) URL or a path of the portal', () => {
    expect(
      expandSourceLinkTemplate(`${'javascript'}:alert('{path}')`, 'x', 1),
    ).toBeUndefined();
    expect(
      expandSourceLinkTemplate('//evil.example.com/{path}', 'x', 1),
    ).toBeUndefined();
  });
});

describe('finding links of dir: sources', () => {
  const finding: Finding = {
    checkId: 'unpinned-actions',
    severity: 'high',
    message: 'actions/checkout is not pinned to a commit SHA',
    file: '.github/workflows/ci.yml',
    line: 7,
    fingerprint: 'fp-1',
  };

  it('links the location to the source view through the template', async () => {
    await renderInTestApp(
      <FindingItem
        finding={finding}
        sourceLocation="/cicd-security/source/default/component/payments-api?path={path}&line={line}"
      />,
    );
    expect(screen.getByTestId('finding-location').closest('a')).toHaveAttribute(
      'href',
      '/cicd-security/source/default/component/payments-api?path=.github/workflows/ci.yml&line=7',
    );
  });

  it('shows the location without a link for a dir: source without a template', async () => {
    await renderInTestApp(
      <FindingItem
        finding={finding}
        sourceLocation="dir:../repos/payments-api"
      />,
    );
    expect(screen.getByTestId('finding-location').closest('a')).toBeNull();
  });
});
