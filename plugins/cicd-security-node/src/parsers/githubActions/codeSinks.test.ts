import { codeSinkInputs, envReference, runLanguage } from './codeSinks';

describe('code sinks', () => {
  it('knows the inputs that actions execute, whatever the ref or case', () => {
    expect(codeSinkInputs('actions/github-script@v7')).toEqual([
      {
        action: 'actions/github-script',
        input: 'script',
        language: 'javascript',
      },
    ]);
    expect(codeSinkInputs('Azure/CLI@v2').map(s => s.input)).toEqual([
      'inlinescript',
    ]);
    expect(codeSinkInputs('appleboy/ssh-action@v1')[0].remote).toBe(true);
    expect(codeSinkInputs('actions/checkout@v4')).toEqual([]);
    expect(codeSinkInputs('actions/github-scriptx@v1')).toEqual([]);
  });

  it.each([
    [undefined, false, 'bash'],
    [undefined, true, 'pwsh'],
    ['bash', false, 'bash'],
    ['pwsh', false, 'pwsh'],
    ['powershell -command ". \'{0}\'"', true, 'powershell'],
    ['python', false, 'python'],
    ['cmd', true, 'cmd'],
    ['perl {0}', false, 'perl'],
  ] as const)('shell %s (windows %s) reads %s', (shell, windows, language) => {
    expect(runLanguage(shell, windows)).toBe(language);
  });

  it.each([
    ['bash', '"$TITLE"'],
    ['sh', '"$TITLE"'],
    ['pwsh', '$env:TITLE'],
    ['powershell', '$env:TITLE'],
    ['cmd', '%TITLE%'],
    ['python', 'os.environ["TITLE"]'],
    ['javascript', 'process.env.TITLE'],
  ])('%s reads an environment variable as %s', (language, ref) => {
    expect(envReference(language, 'TITLE')).toBe(ref);
  });
});
