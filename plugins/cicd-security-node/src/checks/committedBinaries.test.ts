import { committedBinaries } from './committedBinaries';
import { describeCheckFixtures, runOnFixture, summarise } from '../testing';
import { InMemorySnapshot } from '../snapshot';

const ELF = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0]);

describe('committed-binaries', () => {
  describeCheckFixtures(committedBinaries);

  it('reports the whole outcome of the fail fixture', async () => {
    const { outcome } = await runOnFixture(committedBinaries, 'fail');
    expect(summarise(outcome, committedBinaries)).toMatchInlineSnapshot(`
      {
        "findings": [
          "bin/tool medium bin/tool is a committed binary; build it in CI from reviewed source or fetch it from a verified release instead",
          "build/App.class medium build/App.class is a committed .class binary; build it in CI from reviewed source or fetch it from a verified release instead",
          "lib/helper.jar medium lib/helper.jar is a committed .jar binary; build it in CI from reviewed source or fetch it from a verified release instead",
        ],
        "score": 7,
        "status": "fail",
      }
    `);
  });

  it('reports each binary, one point off each', async () => {
    const { outcome } = await runOnFixture(committedBinaries, 'fail');
    expect(outcome).toMatchObject({ status: 'fail', score: 7 });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings.map(f => f.file).sort()).toEqual([
      'bin/tool',
      'build/App.class',
      'lib/helper.jar',
    ]);
  });

  it('reports a Gradle wrapper no workflow validates, with the fix', async () => {
    const { outcome } = await runOnFixture(
      committedBinaries,
      'fail-gradle-unvalidated',
    );
    expect(outcome).toMatchObject({
      status: 'fail',
      score: 9,
      findings: [{ file: 'gradle/wrapper/gradle-wrapper.jar' }],
    });
    if (outcome.status !== 'fail') throw new Error();
    expect(outcome.findings[0].suggestedFix?.replacement).toContain(
      'gradle/actions/wrapper-validation',
    );
  });

  it('accepts the older wrapper validation action', async () => {
    const s = new InMemorySnapshot({
      'gradle/wrapper/gradle-wrapper.jar': ELF,
      '.github/workflows/v.yml':
        'on: push\njobs:\n  v:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: gradle/wrapper-validation-action@v3\n',
    });
    expect((await committedBinaries.run(s)).status).toBe('pass');
  });

  it('skips text files with binary extensions, dotfiles and test data', async () => {
    const s = new InMemorySnapshot({
      'src/index.o': 'not really an object file',
      '.DS_Store': ELF,
      'testdata/blob': ELF,
      'images/logo.png': ELF,
    });
    expect((await committedBinaries.run(s)).status).toBe('pass');
  });

  it('flags wasm, pyc and extension-less executables', async () => {
    const s = new InMemorySnapshot({
      'app.wasm': ELF,
      '__pycache__/m.cpython-312.pyc': ELF,
      'tools/protoc': ELF,
    });
    expect(await committedBinaries.run(s)).toMatchObject({
      status: 'fail',
      score: 7,
    });
  });
});
