import {
  expandMatrix,
  expressionValues,
  MAX_COMBINATIONS,
  templateValues,
  valuesAcrossMatrix,
} from './evaluate';

const values = (source: string) => expressionValues(source);

describe('expression values', () => {
  it.each([
    ["'ubuntu-22.04'", ['ubuntu-22.04'], false],
    [
      "github.ref == 'refs/heads/main' && 'prod' || 'staging'",
      ['prod', 'staging'],
      false,
    ],
    ["true && 'x' || 'y'", ['x'], false],
    ["false && 'x' || 'y'", ['y'], false],
    ["'' || 'fallback'", ['fallback'], false],
    ["format('node:{0}-{1}', '20', 'alpine')", ['node:20-alpine'], false],
    ["format('{{literal}} {0}', 1)", ['{literal} 1'], false],
    ['join(fromJSON(\'["a","b"]\'), \'+\')', ['a+b'], false],
    ['fromJSON(\'{"image":"redis:7"}\').image', ['redis:7'], false],
    ['fromJSON(\'{"a":{"b":"c"}}\').a.b', ['c'], false],
    [
      "contains(github.event.issue.labels.*.name, 'ok') && 'a' || 'b'",
      ['a', 'b'],
      false,
    ],
    ["toJSON('a')", ['"a"'], false],
    ["contains('Hello', 'hell')", [true], false],
    ["startsWith('refs/tags/v1', 'refs/tags/')", [true], false],
    ["'ABC' == 'abc'", [true], false],
    ["1 == '1'", [true], false],
    ['!0', [true], false],
    ['secrets.IMAGE', [], true],
    ["secrets.IMAGE || 'fallback'", ['fallback'], true],
    [
      "github.event.pull_request.draft && 'ubuntu-slim' || 'ubuntu-latest'",
      ['ubuntu-slim', 'ubuntu-latest'],
      false,
    ],
    ["github.event.pull_request.draft && 'ubuntu-slim'", ['ubuntu-slim'], true],
    ["format('{0}:latest', inputs.name)", [], true],
    ["hashFiles('**/package-lock.json')", [], true],
    ['this is not ( an expression', [], true],
  ] as const)('%s', (source, expected, unknown) => {
    const r = values(source);
    expect(r.values).toEqual(expected);
    expect(r.unknown).toBe(unknown);
  });

  it('writes expressions into text, keeping a lone expression typed', () => {
    expect(templateValues('node:${{ 18 }}-alpine')).toEqual({
      values: ['node:18-alpine'],
      unknown: false,
    });
    expect(templateValues("${{ fromJSON('[1]') }}")).toEqual({
      values: [[1]],
      unknown: false,
    });
    expect(templateValues('plain')).toEqual({
      values: ['plain'],
      unknown: false,
    });
  });

  it('stays bounded on values that multiply', () => {
    const wide = Array.from({ length: 40 }, (_, i) => `'v${i}'`).join(' || ');
    const r = expressionValues(
      `format('{0}{1}{2}', ${[1, 2, 3]
        .map(() => `(github.x && (${wide}))`)
        .join(', ')})`,
    );
    expect(r.values.length).toBeLessThanOrEqual(64);
    expect(r.unknown).toBe(true);
  });
});

describe('matrix expansion', () => {
  it('multiplies the keys, removes exclusions and adds inclusions as GitHub does', () => {
    const { combinations, unknown } = expandMatrix({
      os: ['ubuntu', 'windows'],
      node: [18, 20],
      exclude: [{ os: 'windows', node: 18 }],
      include: [
        { os: 'windows', npm: 10 }, // extends the windows combination
        { node: 18, experimental: true }, // extends every node-18 combination
        { os: 'macos', node: 22 }, // fits none: a combination of its own
      ],
    });
    expect(unknown).toBe(false);
    expect(combinations).toEqual([
      { os: 'ubuntu', node: 18, experimental: true },
      { os: 'ubuntu', node: 20 },
      { os: 'windows', node: 20, npm: 10 },
      { os: 'macos', node: 22 },
    ]);
  });

  it('matches exclusions of object values partially', () => {
    const { combinations } = expandMatrix({
      cfg: [
        { image: 'a', arch: 'x64' },
        { image: 'b', arch: 'arm' },
      ],
      exclude: [{ cfg: { arch: 'arm' } }],
    });
    expect(combinations).toEqual([{ cfg: { image: 'a', arch: 'x64' } }]);
  });

  it('reads values from fromJSON of literal JSON, and says when it cannot', () => {
    expect(
      expandMatrix({
        image: '${{ fromJSON(\'["redis:7","redis:latest"]\') }}',
      }),
    ).toEqual({
      combinations: [{ image: 'redis:7' }, { image: 'redis:latest' }],
      unknown: false,
    });
    expect(expandMatrix('${{ fromJSON(needs.plan.outputs.matrix) }}')).toEqual({
      combinations: [],
      unknown: true,
    });
    expect(
      expandMatrix({
        os: ['ubuntu'],
        image: '${{ needs.plan.outputs.images }}',
      }),
    ).toEqual({ combinations: [{ os: 'ubuntu' }], unknown: true });
  });

  it('an include-only matrix is its list of combinations', () => {
    expect(
      expandMatrix({ include: [{ image: 'a:1' }, { image: 'b:2' }] }),
    ).toEqual({
      combinations: [{ image: 'a:1' }, { image: 'b:2' }],
      unknown: false,
    });
  });

  it('stops at the combination limit', () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const r = expandMatrix({ a: ten, b: ten, c: ten });
    expect(r.combinations.length).toBe(MAX_COMBINATIONS);
    expect(r.unknown).toBe(true);
  });

  it('evaluates a field under each combination, keeping values correlated', () => {
    expect(
      valuesAcrossMatrix('${{ matrix.img }}:${{ matrix.tag }}', {
        include: [
          { img: 'node', tag: '20' },
          { img: 'redis', tag: 'latest' },
        ],
      }),
    ).toEqual({ values: ['node:20', 'redis:latest'], unknown: false });
    expect(
      valuesAcrossMatrix(
        "${{ matrix.os == 'linux' && 'ubuntu-24.04' || 'self-hosted' }}",
        {
          os: ['linux', 'bsd'],
        },
      ),
    ).toEqual({ values: ['ubuntu-24.04', 'self-hosted'], unknown: false });
  });
});
