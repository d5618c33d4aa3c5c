import { accessedPaths, parseExpression } from './expressionParser';

/** A `${{ … }}` expression inside a string value. */
export interface ExpressionSpan {
  /** Offset of `${{` in the value. */
  start: number;
  /** Offset just after `}}`. */
  end: number;
  /** The text between the braces, trimmed. */
  inner: string;
}

/** Every `${{ … }}` in a value, honouring quoted strings inside the expression. */
export function findExpressions(value: string): ExpressionSpan[] {
  const spans: ExpressionSpan[] = [];
  let i = value.indexOf('${{');
  while (i !== -1) {
    let j = i + 3;
    let inString = false;
    let end = -1;
    while (j < value.length) {
      const c = value[j];
      if (inString) {
        if (c === "'") {
          if (value[j + 1] === "'") j++;
          else inString = false;
        }
      } else if (c === "'") {
        inString = true;
      } else if (c === '}' && value[j + 1] === '}') {
        end = j + 2;
        break;
      }
      j++;
    }
    if (end === -1) break;
    spans.push({ start: i, end, inner: value.slice(i + 3, end - 2).trim() });
    i = value.indexOf('${{', end);
  }
  return spans;
}

/**
 * Context references inside an expression (`github.event.issue.title`,
 * `steps.x.outputs.y`, `env.FOO`, `matrix.os`), read from the parsed
 * expression: `['x']` index syntax becomes `.x`, computed indexes and filters
 * become `*`, string literals and function names are never references.
 * An expression that does not parse falls back to a lexical scan.
 */
export function contextReferences(expression: string): string[] {
  try {
    const paths = accessedPaths(parseExpression(expression));
    return [...new Set(paths.map(p => p.join('.')))];
  } catch {
    return lexicalReferences(expression);
  }
}

function lexicalReferences(expression: string): string[] {
  // `a['b']` → `a.b`; other string literals are dropped; `a[expr]` → `a.*`.
  const normalised = expression
    .replace(/\[\s*'([A-Za-z0-9_-]+)'\s*\]/g, '.$1')
    .replace(/'(?:[^']|'')*'/g, "''")
    .replace(/\[[^\]]*\]/g, '.*');
  const refs = new Set<string>();
  const re =
    /\b([A-Za-z_][A-Za-z0-9_-]*(?:\s*\.\s*(?:[A-Za-z0-9_*-]+))*)(\s*\()?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(normalised))) {
    if (m[2]) continue; // a function name
    const ref = m[1].replace(/\s+/g, '');
    if (/^(true|false|null)$/i.test(ref) || /^\d/.test(ref)) continue;
    refs.add(ref);
  }
  return [...refs];
}
