import { InMemorySnapshot } from '../snapshot';
import { getWorkflows } from '../parsers/githubActions';
import {
  COMMIT_SHA_RE,
  parseUses,
  PULL_REQUEST_TRIGGERS,
  secretsReferences,
  trailingComment,
  UNTRUSTED_PULL_REQUEST_TRIGGERS,
  usesRefs,
} from './githubActions';

const workflow = (text: string) =>
  getWorkflows(new InMemorySnapshot({ '.github/workflows/ci.yml': text }))[0];

describe('GitHub Actions analysis', () => {
  it('splits remote uses: values and skips local and docker ones', () => {
    expect(parseUses('Actions/Checkout@v4')).toEqual({
      repo: 'actions/checkout',
      owner: 'actions',
      name: 'checkout',
      path: '',
      ref: 'v4',
    });
    expect(parseUses('org/repo/.github/workflows/x.yml@main')).toMatchObject({
      repo: 'org/repo',
      path: '.github/workflows/x.yml',
      ref: 'main',
    });
    expect(parseUses('./local')).toBeUndefined();
    expect(parseUses('docker://alpine:3')).toBeUndefined();
    expect(parseUses('single')).toBeUndefined();
  });

  it('lists job and step uses: and reads their trailing comments', () => {
    const wf = workflow(
      [
        'on: push',
        'jobs:',
        '  call:',
        '    uses: org/repo/.github/workflows/x.yml@v1',
        '  build:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - uses: actions/checkout@${'a'.repeat(40)} # v4.1.1`,
        '      - run: make',
        '',
      ].join('\n'),
    );
    const refs = usesRefs(wf);
    expect(refs.map(r => r.where)).toEqual(['call', 'build[0]']);
    expect(trailingComment(wf, refs[0].uses)).toBeUndefined();
    expect(trailingComment(wf, refs[1].uses)).toBe('v4.1.1');
    expect(COMMIT_SHA_RE.test(parseUses(refs[1].uses.value)!.ref!)).toBe(true);
  });

  it('keeps the two pull-request trigger sets apart', () => {
    expect(PULL_REQUEST_TRIGGERS).toContain('merge_group');
    expect(UNTRUSTED_PULL_REQUEST_TRIGGERS).not.toContain('merge_group');
    expect(UNTRUSTED_PULL_REQUEST_TRIGGERS).toContain(
      'pull_request_review_comment',
    );
  });

  it('names the secrets an expression reads, not those inside strings', () => {
    expect(
      secretsReferences(
        "secrets.A_TOKEN && secrets['B'] || format('secrets.C')",
      ),
    ).toEqual(['A_TOKEN', 'B']);
  });
});
