import { builtinChecks } from '../checks';
import { CheckOutcome, ScorecardCheck } from '../checks/types';
import { unpinnedActions } from '../checks/unpinnedActions';
import { licensePresent } from '../checks/licensePresent';
import {
  caseDeclaration,
  caseStatus,
  fixtureCases,
  fixtureSnapshot,
  runOnFixture,
  summarise,
} from './fixtures';

/** A stand-in for a real check, on that check's fixtures, with a set outcome. */
const fake = (real: ScorecardCheck, out: CheckOutcome): ScorecardCheck => ({
  ...real,
  run: () => out,
});

describe('the fixture harness', () => {
  it('reads the expected status from the case folder name', () => {
    expect(caseStatus('pass')).toBe('pass');
    expect(caseStatus('fail-gitlab')).toBe('fail');
    expect(caseStatus('not-applicable')).toBe('not-applicable');
    expect(caseStatus('not-applicable-no-ci')).toBe('not-applicable');
    expect(caseStatus('inconclusive-github-without-api')).toBe('inconclusive');
    expect(caseStatus('error-malformed')).toBe('error');
    expect(caseStatus('warn-thin')).toBe('warn');
    expect(caseStatus('gitlab')).toBeUndefined();
    expect(caseStatus('failing')).toBeUndefined();
  });

  it('names every case folder of every check after a status', () => {
    const unnamed = builtinChecks.flatMap(c =>
      fixtureCases(c.id)
        .filter(name => !caseStatus(name))
        .map(name => `${c.id}/${name}`),
    );
    expect(unnamed).toEqual([]);
  });

  it('hides the case declaration from the check', () => {
    const snapshot = fixtureSnapshot('license-present', 'fail');
    expect(snapshot.files()).not.toContain('expected.json');
    expect(caseDeclaration('license-present', 'fail')).toEqual({
      notOk: [],
      wholeFiles: ['<repository>'],
      knownFalsePositives: [],
    });
  });

  it('reports a finding on an unmarked line as unexpected', async () => {
    const { unexpected, missing } = await runOnFixture(
      fake(unpinnedActions, {
        status: 'fail',
        score: 0,
        findings: [
          { message: 'x', file: '.github/workflows/ci.yml', line: 2 },
          { message: 'y' },
        ],
      }),
      'fail',
    );
    expect(unexpected).toEqual(['.github/workflows/ci.yml:2', '<repository>']);
    expect(missing.length).toBeGreaterThan(0);
  });

  it('reports an undeclared or missing whole-file finding', async () => {
    const none = await runOnFixture(
      fake(licensePresent, { status: 'fail', score: 0, findings: [] }),
      'fail',
    );
    expect(none.missing).toEqual(['<repository>']);
    const extra = await runOnFixture(
      fake(licensePresent, {
        status: 'fail',
        score: 0,
        findings: [
          { message: 'no licence' },
          { message: 'whole file', file: 'README.md' },
        ],
      }),
      'fail',
    );
    expect(extra.missing).toEqual([]);
    expect(extra.unexpected).toEqual(['README.md']);
  });

  it('summarises an outcome in a stable order, numerically by line', () => {
    const out: CheckOutcome = {
      status: 'fail',
      score: 3,
      findings: [
        { message: 'b', file: 'a.yml', line: 10, column: 2 },
        { message: 'a', file: 'a.yml', line: 9, column: 5, severity: 'low' },
        { message: 'c' },
      ],
    };
    expect(summarise(out, unpinnedActions)).toEqual({
      status: 'fail',
      score: 3,
      findings: [
        `<repository> ${unpinnedActions.severity} c`,
        'a.yml:9:5 low a',
        `a.yml:10:2 ${unpinnedActions.severity} b`,
      ],
    });
    expect(summarise({ status: 'inconclusive', reason: 'r' })).toEqual({
      status: 'inconclusive',
      reason: 'r',
    });
  });
});
