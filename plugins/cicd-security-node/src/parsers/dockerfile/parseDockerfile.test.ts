import { InMemorySnapshot } from '../../snapshot';
import { getDockerfiles, parseDockerfile } from '.';

const DOCKERFILE = `# syntax=docker/dockerfile:1
ARG NODE_VERSION=20
ARG BASE
FROM node:\${NODE_VERSION}-alpine AS build
# a comment
RUN apk add --no-cache curl \\
    # comment inside the instruction
    && curl -fsSL https://example.com/x.sh \\
    | sh
ENV A=1 B="two words" \\
    C=3
ENV LEGACY some value
COPY --from=build /app /app
ADD --checksum=sha256:abc https://example.com/f.tgz /tmp/
FROM build AS test
FROM scratch
FROM \${BASE}
RUN <<EOF
set -e
echo hi
EOF
USER 1000:1000
`;

describe('parseDockerfile', () => {
  const { dockerfile: df, problems } = parseDockerfile(
    'Dockerfile',
    DOCKERFILE,
  );

  it('reads instructions with continuations and comments', () => {
    expect(problems).toEqual([]);
    expect(
      df.instructions.map(i => `${i.keyword}:${i.line}-${i.endLine}`),
    ).toEqual([
      'ARG:2-2',
      'ARG:3-3',
      'FROM:4-4',
      'RUN:6-9',
      'ENV:10-11',
      'ENV:12-12',
      'COPY:13-13',
      'ADD:14-14',
      'FROM:15-15',
      'FROM:16-16',
      'FROM:17-17',
      'RUN:18-21',
      'USER:22-22',
    ]);
  });

  it('resolves FROM images, stage references, scratch and ARG defaults', () => {
    expect(
      df.stages.map(s => [
        s.resolvedImage,
        s.alias,
        s.fromStage,
        s.scratch,
        s.dynamic,
      ]),
    ).toEqual([
      ['node:20-alpine', 'build', undefined, false, false],
      ['build', 'test', 'build', false, false],
      ['scratch', undefined, undefined, true, false],
      ['${BASE}', undefined, undefined, false, true],
    ]);
    expect(df.stages[0].imageRange).toMatchObject({ line: 4, column: 6 });
  });

  it('maps RUN text offsets onto the file', () => {
    const run = df.runs[0];
    const at = run.command.indexOf('curl -fsSL');
    expect(df.range(run.offset + at, 4)).toMatchObject({ line: 8, column: 8 });
    expect(run.command).not.toContain('comment inside');
    expect(df.runs[1].command).toBe('set -e\necho hi\n');
    expect(df.range(df.runs[1].offset, 1)).toMatchObject({
      line: 19,
      column: 1,
    });
  });

  it('reads ENV, ADD flags and USER', () => {
    expect(df.env.map(e => [e.key, e.value])).toEqual([
      ['A', '1'],
      ['B', 'two words'],
      ['C', '3'],
      ['LEGACY', 'some value'],
    ]);
    expect(df.env[2].range).toMatchObject({ line: 11, column: 5 });
    expect(df.copies[1]).toMatchObject({
      keyword: 'ADD',
      flags: { checksum: 'sha256:abc' },
    });
    expect(df.copies[1].sources[0]).toMatchObject({
      value: 'https://example.com/f.tgz',
      range: { line: 14, column: 27 },
    });
    expect(df.users[0].user).toBe('1000:1000');
  });

  it('never throws on malformed input', () => {
    const bad = parseDockerfile(
      'Dockerfile',
      'FROM\nBOGUS x\nRUN <<EOF\necho never ends\nRUN a \\',
    );
    expect(bad.problems.map(p => [p.line, p.message])).toEqual([
      [2, 'unknown Dockerfile instruction BOGUS'],
      [3, 'heredoc <<EOF is not terminated'],
    ]);
  });

  it('finds Dockerfile variants and memoises them', () => {
    const snap = new InMemorySnapshot({
      Dockerfile: 'FROM a',
      'docker/Dockerfile.prod': 'FROM b',
      'api.Dockerfile': 'FROM c',
      Containerfile: 'FROM d',
      'docs/Dockerfile.md': '# no',
    });
    const files = getDockerfiles(snap);
    expect(files.map(f => f.path).sort()).toEqual([
      'Containerfile',
      'Dockerfile',
      'api.Dockerfile',
      'docker/Dockerfile.prod',
    ]);
    expect(getDockerfiles(snap)).toBe(files);
  });
});
