import { accessedPaths, parseExpression } from './expressionParser';
import { contextReferences } from './expressions';

describe('parseExpression', () => {
  it.each([
    ['github.event.issue.title', [['github', 'event', 'issue', 'title']]],
    [
      "github.event['pull_request'].title",
      [['github', 'event', 'pull_request', 'title']],
    ],
    [
      'github.event.commits[0].message',
      [['github', 'event', 'commits', '*', 'message']],
    ],
    [
      'github.event.pull_request.labels.*.name',
      [['github', 'event', 'pull_request', 'labels', '*', 'name']],
    ],
    [
      "format('{0} {1}', github.head_ref, 'github.sha')",
      [['github', 'head_ref']],
    ],
    [
      "contains(github.event.issue.labels.*.name, 'bug') && !cancelled()",
      [['github', 'event', 'issue', 'labels', '*', 'name']],
    ],
    [
      'matrix[inputs.key]',
      [
        ['matrix', '*'],
        ['inputs', 'key'],
      ],
    ],
    [
      'fromJSON(steps.meta.outputs.json).tags[0]',
      [['steps', 'meta', 'outputs', 'json']],
    ],
    [
      "github.event_name == 'push' || (env.A != 'x' && -1.5 < 2)",
      [
        ['github', 'event_name'],
        ['env', 'A'],
      ],
    ],
    ["'it''s' == env.X", [['env', 'X']]],
    ['TRUE || null', []],
  ])('%s', (src, paths) => {
    expect(accessedPaths(parseExpression(src))).toEqual(paths);
  });

  it.each([
    ["'open", /unterminated/],
    ['a ==', /expected a value/],
    ['a b', /unexpected text/],
    ['f(a', /expected '\)'/],
    ['a.', /property/],
  ])('rejects %s', (src, msg) => {
    expect(() => parseExpression(src)).toThrow(msg);
  });

  it('builds the tree with precedence (&& binds tighter than ||)', () => {
    expect(parseExpression("a || b && c == 'x'")).toMatchObject({
      kind: 'binary',
      operator: '||',
      right: {
        kind: 'binary',
        operator: '&&',
        right: { kind: 'binary', operator: '==' },
      },
    });
  });

  it('contextReferences falls back to a lexical scan on syntax errors', () => {
    expect(contextReferences("github.event.issue.title ++ 'x")).toEqual(
      expect.arrayContaining(['github.event.issue.title']),
    );
  });
});
