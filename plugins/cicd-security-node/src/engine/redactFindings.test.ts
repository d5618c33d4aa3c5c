import { CheckRegistry } from './CheckRegistry';
import { runScan } from './runScan';
import { builtinChecks } from '../checks';
import { InMemorySnapshot } from '../snapshot';
import { createScorecardCheck } from '../checks/types';
import { redactFindings } from './redactFindings';

// Fake values, built at run time.
const AKID = `AKIA${'QWERTYUIOPASDFGH'}`;
const ASK = `aB3dE5gH7jK9mN1pQ3sT5vW7${'yZ9bC1dE3fG5hJ7k'}`;
const GHP = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;
const PW = `Zx9Lq2${'Wr7Tp4Hv'}`;
const BEARER = `eyQ7${'vTr9Lm2Xp4Wq8Zn6Ks3'}`;

function leaks(json: string, secrets: Record<string, string>): string[] {
  return Object.entries(secrets)
    .filter(([, s]) => json.includes(s) || json.includes(s.slice(3, 11)))
    .map(([k]) => k);
}

describe('redaction of every finding', () => {
  it('keeps secrets out of the findings of other checks on the same line', async () => {
    const files = {
      '.github/workflows/ci.yml': [
        'on: [push, issues]',
        'jobs:',
        '  b:',
        '    runs-on: ubuntu-latest',
        '    steps:',
        `      - run: curl -sSL "https://x.io/i.sh?token=${GHP}" | sh`,
        `      - run: curl -k -u admin:${PW} https://x.io/api`,
        `      - run: curl http://deploy:${PW}@x.io/a`,
        `      - run: echo "\${{ github.event.issue.title }}" && echo ${GHP}`,
        `      - run: curl -k -H "Authorization: Bearer ${BEARER}" https://x.io`,
        `      - run: AWS_ACCESS_KEY_ID=${AKID} AWS_SECRET_ACCESS_KEY=${ASK} aws s3 ls`,
        '',
      ].join('\n'),
      Dockerfile: `FROM alpine:3.19\nADD http://u:${PW}@x.io/f.tgz /f.tgz\n`,
    };
    const result = await runScan(
      new InMemorySnapshot(files),
      new CheckRegistry(builtinChecks),
    );
    const reporters = new Set(
      result.checks
        .filter(c => c.findings.some(f => f.line !== undefined))
        .map(c => c.checkId),
    );
    // The lines are reported by other checks, not only by the secret detector.
    expect([...reporters]).toEqual(
      expect.arrayContaining([
        'hardcoded-secrets',
        'insecure-transport',
        'docker-add-without-checksum',
      ]),
    );
    expect(
      leaks(JSON.stringify(result), { AKID, ASK, GHP, PW, BEARER }),
    ).toEqual([]);
  });

  it('redacts each key of a pair in the finding of the other', async () => {
    const result = await runScan(
      new InMemorySnapshot({
        '.env': `AWS_ACCESS_KEY_ID=${AKID} AWS_SECRET_ACCESS_KEY=${ASK}\n`,
      }),
      new CheckRegistry(builtinChecks),
    );
    const found = result.checks.find(c => c.checkId === 'hardcoded-secrets')!;
    expect(found.findings).toHaveLength(2);
    for (const f of found.findings) {
      expect(f.snippet).toBe(
        'AWS_ACCESS_KEY_ID=AKIA…[REDACTED 16 chars] AWS_SECRET_ACCESS_KEY=aB3d…[REDACTED 36 chars]',
      );
    }
  });

  it('redacts the message, snippet, fix and replacement of any check, and problems', async () => {
    const line = `curl -u bob:${PW} -H 'Authorization: token ${BEARER}' https://deploy:${PW}@x.io ${GHP} ${'z'.repeat(
      5000,
    )}`;
    const leaky = createScorecardCheck({
      id: 'leaky',
      title: 'Leaky',
      description: 'Quotes its line everywhere.',
      category: 'code-quality',
      severity: 'low',
      platforms: ['shell'],
      frameworks: [],
      run: () => ({
        status: 'fail',
        score: 0,
        findings: [
          {
            message: `bad: ${line}`,
            file: 'deploy.sh',
            line: 1,
            snippet: line,
            suggestedFix: {
              description: `replace ${line}`,
              replacement: `${line} --fixed`,
            },
          },
          {
            // Cut off in the middle of the token.
            message: `cut ${GHP.slice(0, 20)}…`,
            file: 'deploy.sh',
            line: 1,
          },
        ],
        reason: `first: ${line.slice(0, 60)}`,
      }),
    });
    const snapshot = new InMemorySnapshot({
      'deploy.sh': `${line}\n`,
      'conf.yml': `password: ${PW}\n`,
    });
    snapshot.problems.push({
      file: 'deploy.sh',
      kind: 'parse-error',
      message: `cannot parse ${line.slice(0, 80)}`,
    });
    const result = await runScan(
      snapshot,
      new CheckRegistry([...builtinChecks, leaky]),
    );
    const json = JSON.stringify(result);
    expect(leaks(json, { PW, BEARER, GHP })).toEqual([]);
    const f = result.checks.find(c => c.checkId === 'leaky')!.findings;
    expect(f[0].snippet!.length).toBeLessThanOrEqual(201);
    expect(f[0].snippet).toContain('curl -u bob:Zx…[REDACTED 12 chars]');
    expect(f[0].message).toContain('Authorization: token ');
    expect(f[1].message).toBe('cut ghp_…[REDACTED 36 chars]…');
  });

  it('leaves text without credentials alone', () => {
    const checks = [
      {
        checkId: 'x',
        title: 'x',
        category: 'code-quality' as const,
        severity: 'low' as const,
        status: 'fail' as const,
        score: 0,
        findings: [
          {
            checkId: 'x',
            severity: 'low' as const,
            fingerprint: 'f',
            message:
              'mkdir -p /opt/app && docker run -p 8080:80 --password-stdin uses ${{ secrets.TOKEN }} and $PASSWORD',
            snippet:
              'curl -u "$USER:$PASS" https://${HOST}/x -H "Authorization: Bearer ${{ secrets.T }}"',
          },
        ],
      },
    ];
    const before = JSON.stringify(checks);
    redactFindings(checks, new InMemorySnapshot({}));
    expect(JSON.stringify(checks)).toBe(before);
  });
});
