import { corpusDescribe, corpusDir } from '../testing';
import fs from 'fs';
import path from 'path';
import { InMemorySnapshot, LocalDirectorySnapshot } from '../snapshot';
import { builtinChecks } from '.';
import { untrustedActions } from './untrustedActions';
import { selfHostedRunnerOnPrs } from './selfHostedRunnerOnPrs';

/**
 * Third-party calibration set (poutine's test data) in
 * ../shared/corpus/poutine, outside the repository; skipped with a note when
 * it is absent.
 */
const CORPUS = corpusDir('poutine') ?? 'the poutine corpus';
const present = fs.existsSync(path.join(CORPUS, 'expected.json'));

interface Expected {
  peerRule: string;
  checkId: string | null;
  path: string;
  line?: number;
  details?: string;
}

/**
 * Where our results differ from poutine's on purpose:
 * - `untrusted-actions`: poutine flags every action whose creator is not
 *   "verified" on the Marketplace, which needs online data; offline we flag
 *   archived and typosquatted actions and, with an owner allow-list, other owners.
 * - `overexposed-secrets`: poutine points at the job, we point at the expression.
 */
const LINE_AGNOSTIC = new Set(['overexposed-secrets']);

/**
 * The GitHub Actions checks held to poutine's results. The other checks its
 * rules map to are not compared here: their findings do not line up with
 * poutine's one for one (ci-debug-logging has its own corpus test).
 */
const PEER_CHECKS = [
  'overexposed-secrets',
  'secrets-outside-environment',
  'known-vulnerable-actions',
  'unsound-pipeline-conditions',
  'github-env-abuse',
  'spoofable-bot-conditions',
  'self-hosted-runner-on-prs',
  'cache-poisoning',
  'untrusted-actions',
];
const NEEDS_ONLINE_DATA = new Set(['untrusted-actions']);

corpusDescribe(CORPUS)('GitHub Actions checks on the poutine corpus', () => {
  const expected: Expected[] = present
    ? JSON.parse(fs.readFileSync(path.join(CORPUS, 'expected.json'), 'utf8'))
        .expected
    : [];
  const mine = expected.filter(
    e => e.checkId && PEER_CHECKS.includes(e.checkId),
  );

  it.each(PEER_CHECKS.filter(id => !NEEDS_ONLINE_DATA.has(id)))(
    '%s reports what poutine expects',
    async id => {
      const check = builtinChecks.find(c => c.id === id)!;
      const snapshot = LocalDirectorySnapshot.create(path.join(CORPUS, 'repo'));
      const out = await check.run(snapshot);
      const found = 'findings' in out ? out.findings : [];
      for (const e of mine.filter(x => x.checkId === id)) {
        const hit = found.some(
          f =>
            f.file === e.path &&
            (LINE_AGNOSTIC.has(id) ||
              e.line === undefined ||
              f.line === e.line),
        );
        expect({
          expected: `${e.path}:${e.line ?? ''} ${e.details ?? ''}`,
          hit,
        }).toMatchObject({ hit: true });
      }
    },
  );

  it('untrusted-actions matches poutine once the owners are allow-listed', async () => {
    const snapshot = LocalDirectorySnapshot.create(path.join(CORPUS, 'repo'), {
      facts: {
        'cicd-security.allowedActionOwners': {
          available: true,
          value: ['actions', 'github', 'hashicorp', 'bridgecrewio', 'org'],
        },
      },
    });
    const out = await untrustedActions.run(snapshot);
    const found = 'findings' in out ? out.findings : [];
    for (const e of mine.filter(x => x.checkId === 'untrusted-actions')) {
      expect(found.some(f => f.file === e.path && f.line === e.line)).toBe(
        true,
      );
    }
  });
});

describe('self-hosted-runner-on-prs allow-list', () => {
  it('accepts runner labels the organisation allow-lists', async () => {
    const files = {
      '.github/workflows/ci.yml':
        'on: pull_request\njobs:\n  a:\n    runs-on: [ephemeral-arc]\n    steps:\n      - run: make\n',
    };
    const without = await selfHostedRunnerOnPrs.run(
      new InMemorySnapshot(files),
    );
    expect(without.status).toBe('fail');
    const withList = await selfHostedRunnerOnPrs.run(
      new InMemorySnapshot(files, {
        facts: {
          'cicd-security.allowedRunnerLabels': {
            available: true,
            value: ['ephemeral-arc'],
          },
        },
      }),
    );
    expect(withList.status).toBe('pass');
  });
});
