import {
  persistedCheckoutCredentials,
  uploadCanCarryGitDir,
} from './persistedCheckoutCredentials';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('persisted-checkout-credentials', () => {
  describeCheckFixtures(persistedCheckoutCredentials);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(
      persistedCheckoutCredentials,
      'fail',
    );
    expect(summarise(outcome, persistedCheckoutCredentials))
      .toMatchInlineSnapshot(`
      {
        "findings": [
          ".github/workflows/ci.yml:9:15 high actions/checkout@v4 persists the job token in .git/config and this job uploads an artifact that can include it; set persist-credentials: false",
        ],
        "score": 5,
        "status": "fail",
      }
    `);
  });

  it('points at the uses: value and scores proportionally', async () => {
    const { outcome } = await runOnFixture(
      persistedCheckoutCredentials,
      'fail',
    );
    expect(outcome).toMatchObject({ status: 'fail', score: 5 });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0]).toMatchObject({
      file: '.github/workflows/ci.yml',
      line: 9,
      column: 15,
      severity: 'high',
    });
  });

  it('raises the severity only when an upload can include the .git directory', async () => {
    const { outcome } = await runOnFixture(
      persistedCheckoutCredentials,
      'fail-upload-outside-checkout',
    );
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    expect(outcome.findings.map(f => [f.line, f.severity])).toEqual([
      [11, undefined],
      [20, 'high'],
    ]);
  });

  it.each([
    ['.', undefined, true],
    ['./', undefined, true],
    ['${{ github.workspace }}', undefined, true],
    ['**', undefined, true],
    ['*', undefined, true],
    ['../', undefined, true],
    ['/home/runner/work', undefined, true],
    ['src', 'src', true],
    ['src/.git', 'src', true],
    ['s*', 'src', true],
    [undefined, undefined, true],
    ['dist/\n!dist/*.map', undefined, false],
    ['translations.tar.gz', undefined, false],
    ['electron/artifacts', undefined, false],
    ['/tmp/digests/*', undefined, false],
    ['dist/*', undefined, false],
    ['build', 'src', false],
  ])(
    'upload path %j over checkout path %j: %s',
    (upload, checkout, expected) => {
      expect(uploadCanCarryGitDir(upload, checkout)).toBe(expected);
    },
  );
});
