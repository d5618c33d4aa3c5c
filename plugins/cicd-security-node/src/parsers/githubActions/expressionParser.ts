/*
 * A parser for GitHub Actions expressions (the text inside `${{ }}` and `if:`
 * conditions), following the grammar GitHub documents: literals (null,
 * booleans, numbers, 'strings' with '' escapes), context access with `.name`,
 * `['key']`, `[expr]` and `.*` filters, function calls, `!`, comparison
 * (== != < <= > >=), `&&`, `||` and parentheses. Checks use the tree instead
 * of pattern matching, so string literals, function names and operators are
 * never mistaken for contexts.
 */

export type ExpressionNode =
  | { kind: 'literal'; value: string | number | boolean | null }
  | {
      kind: 'access';
      /** Path segments; `*` for filters and computed indexes. */
      path: string[];
      /** Expressions used as computed indexes (their own references count too). */
      indexes: ExpressionNode[];
    }
  | { kind: 'call'; name: string; args: ExpressionNode[] }
  | { kind: 'not'; operand: ExpressionNode }
  | {
      kind: 'binary';
      operator: '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||';
      left: ExpressionNode;
      right: ExpressionNode;
    };

type Token =
  | { t: 'num'; v: number }
  | { t: 'str'; v: string }
  | { t: 'id'; v: string }
  | { t: 'op'; v: string }
  | { t: 'eof' };

export class ExpressionSyntaxError extends Error {
  constructor(message: string, readonly offset: number) {
    super(message);
  }
}

function tokenize(src: string): Array<Token & { at: number }> {
  const out: Array<Token & { at: number }> = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i];
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const at = i;
    if (c === "'") {
      let v = '';
      i++;
      for (;;) {
        if (i >= src.length)
          throw new ExpressionSyntaxError('unterminated string', at);
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            v += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        v += src[i++];
      }
      out.push({ t: 'str', v, at });
      continue;
    }
    const num =
      /^(?:0x[0-9a-fA-F]+|[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/.exec(
        src.slice(i),
      );
    if (
      num &&
      (/\d/.test(c) ||
        ((c === '-' || c === '+' || c === '.') &&
          /[\d.]/.test(src[i + 1] ?? '')))
    ) {
      // a sign only starts a number where an operand is expected
      const prev = out[out.length - 1];
      const operandExpected =
        !prev || (prev.t === 'op' && !')]'.includes(prev.v));
      if (/\d|\./.test(c) || operandExpected) {
        out.push({ t: 'num', v: Number(num[0]), at });
        i += num[0].length;
        continue;
      }
    }
    const id = /^[A-Za-z_][A-Za-z0-9_-]*/.exec(src.slice(i));
    if (id) {
      out.push({ t: 'id', v: id[0], at });
      i += id[0].length;
      continue;
    }
    const op = /^(==|!=|<=|>=|&&|\|\||[!<>().,[\]*])/.exec(src.slice(i));
    if (op) {
      out.push({ t: 'op', v: op[0], at });
      i += op[0].length;
      continue;
    }
    throw new ExpressionSyntaxError(`unexpected character '${c}'`, i);
  }
  out.push({ t: 'eof', at: src.length });
  return out;
}

/** Parse an expression; throws ExpressionSyntaxError with an offset. */
export function parseExpression(src: string): ExpressionNode {
  const tokens = tokenize(src);
  let pos = 0;
  const peek = () => tokens[pos];
  const isOp = (v: string) => {
    const t = peek();
    return t.t === 'op' && t.v === v;
  };
  const expect = (v: string) => {
    if (!isOp(v)) throw new ExpressionSyntaxError(`expected '${v}'`, peek().at);
    pos++;
  };

  const binary =
    (next: () => ExpressionNode, ops: string[]): (() => ExpressionNode) =>
    () => {
      let left = next();
      for (;;) {
        const t = peek();
        if (t.t === 'op' && ops.includes(t.v)) {
          pos++;
          left = { kind: 'binary', operator: t.v as any, left, right: next() };
        } else {
          return left;
        }
      }
    };

  const primary = (): ExpressionNode => {
    const t = tokens[pos++];
    if (t.t === 'num') return { kind: 'literal', value: t.v };
    if (t.t === 'str') return { kind: 'literal', value: t.v };
    if (t.t === 'op' && t.v === '(') {
      const e = or();
      expect(')');
      return postfix(e);
    }
    if (t.t === 'op' && t.v === '!') return { kind: 'not', operand: unary() };
    if (t.t === 'id') {
      const lower = t.v.toLowerCase();
      if (lower === 'true' || lower === 'false')
        return { kind: 'literal', value: lower === 'true' };
      if (lower === 'null') return { kind: 'literal', value: null };
      if (isOp('(')) {
        pos++;
        const args: ExpressionNode[] = [];
        if (!isOp(')')) {
          args.push(or());
          while (isOp(',')) {
            pos++;
            args.push(or());
          }
        }
        expect(')');
        return postfix({ kind: 'call', name: t.v, args });
      }
      return postfix({ kind: 'access', path: [t.v], indexes: [] });
    }
    throw new ExpressionSyntaxError('expected a value', t.at);
  };

  /** Property access after a context or a call result: `.a`, `.*`, `['a']`, `[expr]`. */
  const postfix = (node: ExpressionNode): ExpressionNode => {
    let n = node;
    for (;;) {
      if (isOp('.')) {
        pos++;
        const t = tokens[pos++];
        const seg =
          t.t === 'id' ? t.v : t.t === 'op' && t.v === '*' ? '*' : undefined;
        if (seg === undefined)
          throw new ExpressionSyntaxError('expected a property name', t.at);
        n =
          n.kind === 'access'
            ? { ...n, path: [...n.path, seg] }
            : { kind: 'access', path: ['(result)', seg], indexes: [n] };
      } else if (isOp('[')) {
        pos++;
        const index = or();
        expect(']');
        const seg =
          index.kind === 'literal' && typeof index.value === 'string'
            ? index.value
            : '*';
        const extra = index.kind === 'literal' ? [] : [index];
        n =
          n.kind === 'access'
            ? {
                ...n,
                path: [...n.path, seg],
                indexes: [...n.indexes, ...extra],
              }
            : {
                kind: 'access',
                path: ['(result)', seg],
                indexes: [n, ...extra],
              };
      } else {
        return n;
      }
    }
  };

  const unary = (): ExpressionNode => primary();
  const comparison = binary(unary, ['==', '!=', '<', '<=', '>', '>=']);
  const and = binary(comparison, ['&&']);
  const or = binary(and, ['||']);

  const tree = or();
  if (peek().t !== 'eof')
    throw new ExpressionSyntaxError(
      'unexpected text after the expression',
      peek().at,
    );
  return tree;
}

/** Every context path the expression reads (function names and literals excluded). */
export function accessedPaths(node: ExpressionNode): string[][] {
  const out: string[][] = [];
  const walk = (n: ExpressionNode) => {
    switch (n.kind) {
      case 'access':
        if (n.path[0] !== '(result)') out.push(n.path);
        n.indexes.forEach(walk);
        break;
      case 'call':
        n.args.forEach(walk);
        break;
      case 'not':
        walk(n.operand);
        break;
      case 'binary':
        walk(n.left);
        walk(n.right);
        break;
      default:
    }
  };
  walk(node);
  return out;
}
