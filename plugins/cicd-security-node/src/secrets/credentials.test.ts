import { redactCredentials } from './credentials';

// Fake values, built at run time.
const PW = `Zx9Lq2${'Wr7Tp4Hv'}`;
const TOKEN = `eyQ7${'vTr9Lm2Xp4Wq8Zn6Ks3'}`;

describe('redactCredentials', () => {
  it.each([
    [
      `git clone https://deploy:${PW}@git.example.com/a.git`,
      'git clone https://deploy:Zx…[REDACTED 12 chars]@git.example.com/a.git',
    ],
    [
      `curl -u admin:${PW} https://x`,
      'curl -u admin:Zx…[REDACTED 12 chars] https://x',
    ],
    [
      `curl --user=admin:${PW} https://x`,
      'curl --user=admin:Zx…[REDACTED 12 chars] https://x',
    ],
    [
      `docker login -u bot -p ${PW} registry.example.com`,
      'docker login -u bot -p Zx…[REDACTED 12 chars] registry.example.com',
    ],
    [`mysql -u root -p${PW} db`, 'mysql -u root -pZx…[REDACTED 12 chars] db'],
    [
      `tool --password ${PW} --verbose`,
      'tool --password Zx…[REDACTED 12 chars] --verbose',
    ],
    [`tool --password=${PW}`, 'tool --password=Zx…[REDACTED 12 chars]'],
    [`tool --token "${TOKEN}"`, 'tool --token "eyQ7…[REDACTED 19 chars]"'],
    [
      `-H "Authorization: Bearer ${TOKEN}"`,
      '-H "Authorization: Bearer eyQ7…[REDACTED 19 chars]"',
    ],
    [
      `-H 'Authorization: token ${TOKEN}'`,
      "-H 'Authorization: token eyQ7…[REDACTED 19 chars]'",
    ],
    [
      `-H "PRIVATE-TOKEN: ${TOKEN}"`,
      '-H "PRIVATE-TOKEN: eyQ7…[REDACTED 19 chars]"',
    ],
    [
      `cut at https://deploy:${PW.slice(0, 8)}…`,
      'cut at https://deploy:…[REDACTED 9 chars]',
    ],
  ])('redacts %s', (text, expected) => {
    expect(redactCredentials(text)).toBe(expected);
  });

  it.each([
    'mkdir -p /opt/app && docker run -p 8080:80 nginx',
    'echo "$PASSWORD" | docker login -u bot --password-stdin',
    'curl -u "$USER:$PASS" https://${HOST}/x',
    'curl -H "Authorization: Bearer ${{ secrets.TOKEN }}" https://x',
    'curl -H "Authorization: token $GITHUB_TOKEN" https://x',
    'https://github.com/actions/checkout@v4',
    'uses: actions/checkout@8e5e7e5ab8b370d6c329ec480221332ada57f0ab',
    'git@github.com:org/repo.git',
    'AKIA…[REDACTED 16 chars]',
  ])('leaves %s alone', text => {
    expect(redactCredentials(text)).toBe(text);
  });
});
