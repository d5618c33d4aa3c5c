import { tlsVerificationDisabled } from './tlsVerificationDisabled';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';

describe('tls-verification-disabled', () => {
  describeCheckFixtures(tlsVerificationDisabled);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(tlsVerificationDisabled, 'fail');
    expect(summarise(outcome, tlsVerificationDisabled)).toMatchInlineSnapshot(`
      {
        "findings": [
          ".condarc:3:1 high .condarc sets ssl_verify: false",
          ".github/workflows/ci.yml:3:33 high NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every Node.js request (set in workflow env)",
          ".github/workflows/ci.yml:8:19 high curl -sSkL turns off certificate checks",
          ".github/workflows/ci.yml:11:18 high http.sslVerify=false turns off certificate checks for git",
          ".github/workflows/ci.yml:13:18 high StrictHostKeyChecking=no accepts any SSH host key, so a machine in the middle is not noticed",
          ".gitlab-ci.yml:2:22 high GIT_SSL_NO_VERIFY turns off certificate checks for git (whatever its value, even false) (set in variables)",
          ".gitlab-ci.yml:6:19 high pip --trusted-host skips certificate checks (and allows plain HTTP) for that host",
          ".gitlab-ci.yml:7:7 high strict-ssl false lets the package manager accept any certificate",
          ".npmrc:3:1 high .npmrc sets strict-ssl=false",
          "Dockerfile:3:34 high NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every Node.js request (set in ENV)",
          "Dockerfile:5:5 high strict-ssl false lets the package manager accept any certificate",
          "Jenkinsfile:4:25 high PYTHONHTTPSVERIFY=0 turns off certificate checks in Python (set in environment)",
          "Jenkinsfile:9:18 high wget --no-check-certificate turns off certificate checks",
        ],
        "score": 0,
        "status": "fail",
      }
    `);
  });

  it('points at the offending flag or setting', async () => {
    const { outcome } = await runOnFixture(tlsVerificationDisabled, 'fail');
    if (outcome.status !== 'fail') throw new Error(outcome.status);
    const at = (file: string) =>
      outcome.findings
        .filter(f => f.file === file)
        .map(f => [f.line, f.column, f.endColumn]);
    expect(at('.github/workflows/ci.yml')).toEqual([
      [8, 19, 24],
      [11, 18, 38],
      [13, 18, 42],
      [3, 33, 34],
    ]);
    expect(at('.npmrc')).toEqual([[3, 1, 17]]);
    expect(at('.condarc')).toEqual([[3, 1, 18]]);
    expect(at('Jenkinsfile').map(([l]) => l)).toEqual([9, 4]);
    expect(at('Dockerfile').map(([l]) => l)).toEqual([5, 3]);
    expect(
      at('.gitlab-ci.yml')
        .map(([l]) => l)
        .sort(),
    ).toEqual([2, 6, 7]);
  });
});
