import { findExpressions } from './expressions';
import {
  ExpressionNode,
  ExpressionSyntaxError,
  parseExpression,
} from './expressionParser';

/*
 * Evaluates GitHub Actions expressions to the set of values they can take,
 * as far as the workflow's text says: literals, `a && 'x' || 'y'`,
 * `format()`, `join()`, `fromJSON()` of literal JSON, comparisons, and
 * matrix values expanded the way GitHub expands `strategy.matrix`
 * (`include`, `exclude`, values from `fromJSON`). What comes from outside
 * the text (a secret, a step output, an event payload) is "unknown", so a
 * check can report a value it cannot know at a lower severity instead of
 * ignoring it. Every result is bounded: at most MAX_VALUES values per
 * expression and MAX_COMBINATIONS matrix combinations.
 */

/** A value of the expression language. */
export type ExprValue =
  | string
  | number
  | boolean
  | null
  | ExprValue[]
  | { [key: string]: ExprValue };

/** The values an expression can take, and whether some could not be known. */
export interface PossibleValues {
  values: ExprValue[];
  unknown: boolean;
}

/**
 * Inside the evaluator: `unknownFalsy` says the value may also be a falsy
 * value the text cannot tell (`a` in `a && 'x'` when `a` is unknown), which
 * a following `|| 'y'` replaces. At the boundary it counts as unknown.
 */
interface Evaluated extends PossibleValues {
  unknownFalsy?: boolean;
}

/** Most values kept per expression; more make the result `unknown` too. */
export const MAX_VALUES = 64;
/** Most matrix combinations expanded (GitHub runs at most 256 jobs per matrix). */
export const MAX_COMBINATIONS = 256;

/** What the evaluator knows about contexts: e.g. `matrix` of one combination. */
export interface EvalContext {
  /** The value at a context path (`['matrix', 'os']`), or undefined when unknown. */
  lookup(path: string[]): ExprValue | undefined;
}

const NOTHING: EvalContext = { lookup: () => undefined };
const UNKNOWN: PossibleValues = { values: [], unknown: true };

function known(...values: ExprValue[]): PossibleValues {
  return { values, unknown: false };
}

/** Union of value sets, deduplicated, bounded. */
function union(...sets: Evaluated[]): Evaluated {
  const seen = new Set<string>();
  const values: ExprValue[] = [];
  let unknown = false;
  let unknownFalsy = false;
  for (const set of sets) {
    unknown ||= set.unknown;
    unknownFalsy ||= set.unknownFalsy ?? false;
    for (const v of set.values) {
      const key = JSON.stringify(v);
      if (seen.has(key)) continue;
      if (values.length >= MAX_VALUES) {
        unknown = true;
        break;
      }
      seen.add(key);
      values.push(v);
    }
  }
  return unknownFalsy ? { values, unknown, unknownFalsy } : { values, unknown };
}

/** GitHub's truthiness: false, 0, -0, NaN, '' and null are falsy. */
export function truthy(v: ExprValue): boolean {
  if (v === null || v === false || v === '') return false;
  if (typeof v === 'number') return v !== 0 && !Number.isNaN(v);
  return true;
}

/** A value as GitHub writes it into a string. */
export function valueToString(v: ExprValue): string {
  if (v === null) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'Array' : 'Object';
}

function toNumber(v: ExprValue): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return v;
  if (typeof v === 'string') {
    const t = v.trim();
    if (t === '') return 0;
    if (/^0x[0-9a-f]+$/i.test(t)) return parseInt(t, 16);
    const n = Number(t);
    return Number.isNaN(n) ? NaN : n;
  }
  return NaN;
}

/** `==` as GitHub compares: strings case-insensitively, other types as numbers. */
function looseEquals(a: ExprValue, b: ExprValue): boolean | undefined {
  if (typeof a === 'object' && a !== null) return a === b;
  if (typeof b === 'object' && b !== null) return false;
  if (typeof a === 'string' && typeof b === 'string') {
    return a.toLowerCase() === b.toLowerCase();
  }
  if (typeof a === typeof b) return a === b;
  return toNumber(a) === toNumber(b);
}

/** Apply `f` to every combination of the arguments' values (bounded). */
function combine(
  args: PossibleValues[],
  f: (values: ExprValue[]) => ExprValue | undefined,
): PossibleValues {
  let unknown = args.some(a => a.unknown);
  const out: ExprValue[] = [];
  let count = 0;
  const walk = (i: number, acc: ExprValue[]) => {
    if (count >= MAX_VALUES * 4) {
      unknown = true;
      return;
    }
    if (i === args.length) {
      count++;
      const v = f(acc);
      if (v === undefined) unknown = true;
      else out.push(v);
      return;
    }
    for (const v of args[i].values) walk(i + 1, [...acc, v]);
  };
  walk(0, []);
  return union({ values: out, unknown });
}

/** The values of a parsed expression under what the context knows. */
export function possibleValues(
  node: ExpressionNode,
  context: EvalContext = NOTHING,
): PossibleValues {
  return fold(evaluate(node, context, 0));
}

/** An unknown falsy value is unknown to whoever uses the value. */
function fold(r: Evaluated): PossibleValues {
  return { values: r.values, unknown: r.unknown || !!r.unknownFalsy };
}

function evaluate(
  node: ExpressionNode,
  context: EvalContext,
  depth: number,
): Evaluated {
  if (depth > 50) return UNKNOWN;
  const evRaw = (n: ExpressionNode) => evaluate(n, context, depth + 1);
  const ev = (n: ExpressionNode) => fold(evRaw(n));
  switch (node.kind) {
    case 'literal':
      return known(node.value);
    case 'access': {
      if (node.path[0] === '(result)') {
        const base = ev(node.indexes[0]);
        return select(base, node.path.slice(1));
      }
      if (node.indexes.length > 0 || node.path.includes('*')) return UNKNOWN;
      const v = context.lookup(node.path);
      return v === undefined ? UNKNOWN : known(v);
    }
    case 'not': {
      const o = ev(node.operand);
      return o.unknown
        ? known(true, false)
        : known(...o.values.map(v => !truthy(v)));
    }
    case 'binary': {
      if (node.operator === '&&') {
        // `a && b` is a when a is falsy, else b. An unknown a that is falsy
        // stays an unknown falsy value, which a following `||` replaces.
        const left = evRaw(node.left);
        const kept = left.values.filter(v => !truthy(v));
        const needRight = left.unknown || left.values.some(v => truthy(v));
        return union(
          {
            values: kept,
            unknown: false,
            unknownFalsy: left.unknown || left.unknownFalsy,
          },
          needRight ? evRaw(node.right) : known(),
        );
      }
      if (node.operator === '||') {
        // `a || b` is a when a is truthy, else b.
        const left = evRaw(node.left);
        const kept = left.values.filter(v => truthy(v));
        const needRight =
          left.unknown ||
          left.unknownFalsy ||
          left.values.some(v => !truthy(v));
        return union(
          { values: kept, unknown: left.unknown },
          needRight ? evRaw(node.right) : known(),
        );
      }
      const left = ev(node.left);
      const right = ev(node.right);
      const result = combine([left, right], ([a, b]) => {
        switch (node.operator) {
          case '==':
            return looseEquals(a, b);
          case '!=': {
            const eq = looseEquals(a, b);
            return eq === undefined ? undefined : !eq;
          }
          default: {
            if (typeof a === 'string' && typeof b === 'string') {
              const x = a.toLowerCase();
              const y = b.toLowerCase();
              return compare(node.operator, x < y ? -1 : x > y ? 1 : 0);
            }
            const x = toNumber(a);
            const y = toNumber(b);
            if (Number.isNaN(x) || Number.isNaN(y)) return false;
            return compare(node.operator, x - y);
          }
        }
      });
      // A comparison is true or false, whatever its operands were.
      return result.unknown ? known(true, false) : result;
    }
    case 'call':
      return callValues(node.name.toLowerCase(), node.args.map(ev));
    default:
      return UNKNOWN;
  }
}

function compare(op: string, diff: number): boolean {
  switch (op) {
    case '<':
      return diff < 0;
    case '<=':
      return diff <= 0;
    case '>':
      return diff > 0;
    default:
      return diff >= 0;
  }
}

/** Property access on values: `.a`, `['a']`, `.*` (a filter over arrays and objects). */
function select(base: PossibleValues, path: string[]): PossibleValues {
  let current = base;
  for (const seg of path) {
    const values: ExprValue[] = [];
    for (const v of current.values) {
      if (v === null || typeof v !== 'object') {
        values.push(null);
      } else if (seg === '*') {
        values.push(Array.isArray(v) ? v : Object.values(v));
      } else if (Array.isArray(v)) {
        const i = Number(seg);
        values.push(Number.isInteger(i) ? v[i] ?? null : null);
      } else {
        const key = Object.keys(v).find(
          k => k.toLowerCase() === seg.toLowerCase(),
        );
        values.push(key === undefined ? null : v[key]);
      }
    }
    current = union({ values, unknown: current.unknown });
  }
  return current;
}

function callValues(name: string, args: PossibleValues[]): PossibleValues {
  switch (name) {
    case 'format':
      if (args.length === 0) return UNKNOWN;
      return combine(args, ([fmt, ...rest]) =>
        typeof fmt === 'string' ? format(fmt, rest) : undefined,
      );
    case 'join':
      return combine(args, ([list, sep]) => {
        const s = sep === undefined ? ',' : valueToString(sep);
        return Array.isArray(list)
          ? list.map(valueToString).join(s)
          : valueToString(list);
      });
    case 'fromjson':
      return combine(args, ([text]) => {
        if (typeof text !== 'string') return undefined;
        try {
          return JSON.parse(text) as ExprValue;
        } catch {
          return undefined;
        }
      });
    case 'tojson':
      return combine(args, ([v]) => JSON.stringify(v, null, 2));
    case 'contains':
      if (args.some(a => a.unknown)) return known(true, false);
      return combine(args, ([search, item]) => {
        if (Array.isArray(search)) {
          return search.some(x => looseEquals(x, item) === true);
        }
        return valueToString(search)
          .toLowerCase()
          .includes(valueToString(item).toLowerCase());
      });
    case 'startswith':
    case 'endswith':
      if (args.some(a => a.unknown)) return known(true, false);
      return combine(args, ([s, part]) => {
        const a = valueToString(s).toLowerCase();
        const b = valueToString(part).toLowerCase();
        return name === 'startswith' ? a.startsWith(b) : a.endsWith(b);
      });
    case 'success':
    case 'always':
    case 'failure':
    case 'cancelled':
      return known(true, false);
    default:
      // hashFiles() and anything new: a value the text cannot tell.
      return UNKNOWN;
  }
}

/** `format('{0}-{1}', a, b)`, with `{{` and `}}` as literal braces. */
function format(fmt: string, args: ExprValue[]): string | undefined {
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const c = fmt[i];
    if (c === '{' && fmt[i + 1] === '{') {
      out += '{';
      i++;
    } else if (c === '}' && fmt[i + 1] === '}') {
      out += '}';
      i++;
    } else if (c === '{') {
      const end = fmt.indexOf('}', i);
      const index = Number(fmt.slice(i + 1, end));
      if (end < 0 || !Number.isInteger(index) || index >= args.length) {
        return undefined; // GitHub fails the expression
      }
      out += valueToString(args[index]);
      i = end;
    } else {
      out += c;
    }
  }
  return out;
}

/** The values of one expression's source text (without `${{ }}`). */
export function expressionValues(
  source: string,
  context: EvalContext = NOTHING,
): PossibleValues {
  try {
    return possibleValues(parseExpression(source), context);
  } catch (e) {
    if (e instanceof ExpressionSyntaxError) return UNKNOWN;
    throw e;
  }
}

/**
 * The values of a YAML string that may hold `${{ }}` expressions: a string
 * that is a single expression keeps the expression's type (as GitHub does);
 * otherwise each expression is written into the text.
 */
export function templateValues(
  text: string,
  context: EvalContext = NOTHING,
): PossibleValues {
  const spans = findExpressions(text);
  if (spans.length === 0) return known(text);
  if (
    spans.length === 1 &&
    spans[0].start === 0 &&
    spans[0].end === text.length
  ) {
    return expressionValues(spans[0].inner, context);
  }
  const parts: PossibleValues[] = [];
  let at = 0;
  for (const span of spans) {
    parts.push(known(text.slice(at, span.start)));
    const v = expressionValues(span.inner, context);
    parts.push({ values: v.values.map(valueToString), unknown: v.unknown });
    at = span.end;
  }
  parts.push(known(text.slice(at)));
  return combine(parts, values => values.map(valueToString).join(''));
}

/** One combination of a matrix: key → value. */
export type MatrixCombination = Record<string, ExprValue>;

/** The combinations of a matrix, and whether some could not be known. */
export interface MatrixExpansion {
  combinations: MatrixCombination[];
  unknown: boolean;
}

/**
 * Expand `strategy.matrix` as GitHub does: the product of the keys' values,
 * minus `exclude` entries (partial matches), then each `include` entry is
 * added to every combination whose original values it does not change, or
 * becomes a combination of its own when it fits none. Values given as
 * `${{ fromJSON('[…]') }}` are evaluated; values from elsewhere (a job's
 * output) make the expansion `unknown`.
 */
export function expandMatrix(
  matrix: unknown,
  context: EvalContext = NOTHING,
): MatrixExpansion {
  let unknown = false;
  const resolve = (v: unknown): ExprValue | undefined => {
    if (typeof v !== 'string' || !v.includes('${{')) return v as ExprValue;
    const r = templateValues(v, context);
    if (r.unknown || r.values.length !== 1) return undefined;
    return r.values[0];
  };
  const top = resolve(matrix);
  if (top === undefined) return { combinations: [], unknown: true };
  if (!top || typeof top !== 'object' || Array.isArray(top)) {
    return { combinations: [], unknown: top !== null && top !== undefined };
  }
  const keys: Array<[string, ExprValue[]]> = [];
  let include: ExprValue[] = [];
  let exclude: ExprValue[] = [];
  for (const [key, raw] of Object.entries(top)) {
    const value = resolve(raw);
    if (value === undefined) {
      unknown = true;
      continue;
    }
    if (key === 'include' || key === 'exclude') {
      const list = Array.isArray(value) ? value : [];
      if (!Array.isArray(value)) unknown = true;
      if (key === 'include') include = list;
      else exclude = list;
      continue;
    }
    if (Array.isArray(value)) keys.push([key, value]);
    else unknown = true;
  }
  let combos: MatrixCombination[] = keys.length ? [{}] : [];
  for (const [key, values] of keys) {
    const next: MatrixCombination[] = [];
    for (const combo of combos) {
      for (const v of values) {
        if (next.length >= MAX_COMBINATIONS) {
          unknown = true;
          break;
        }
        next.push({ ...combo, [key]: v });
      }
    }
    combos = next;
  }
  combos = combos.filter(
    combo =>
      !exclude.some(
        e =>
          e !== null &&
          typeof e === 'object' &&
          !Array.isArray(e) &&
          Object.entries(e).every(([k, v]) => partialMatch(combo[k], v)),
      ),
  );
  const original = new Set(keys.map(([k]) => k));
  const base = combos.length;
  for (const entry of include) {
    if (!entry || typeof entry !== 'object' || Array.isArray(entry)) {
      unknown = true;
      continue;
    }
    let added = false;
    for (let i = 0; i < base; i++) {
      const combo = combos[i];
      const fits = Object.entries(entry).every(
        ([k, v]) => !original.has(k) || deepEqual(combo[k], v),
      );
      if (fits) {
        combos[i] = { ...combo, ...entry };
        added = true;
      }
    }
    if (!added) {
      if (combos.length >= MAX_COMBINATIONS) unknown = true;
      else combos.push({ ...entry });
    }
  }
  return { combinations: combos, unknown };
}

function deepEqual(
  a: ExprValue | undefined,
  b: ExprValue | undefined,
): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** An exclude value matches when every key it gives matches (objects partially). */
function partialMatch(
  value: ExprValue | undefined,
  pattern: ExprValue,
): boolean {
  if (pattern && typeof pattern === 'object' && !Array.isArray(pattern)) {
    if (!value || typeof value !== 'object' || Array.isArray(value))
      return false;
    return Object.entries(pattern).every(([k, v]) =>
      partialMatch((value as Record<string, ExprValue>)[k], v),
    );
  }
  return deepEqual(value, pattern);
}

/** A context that knows the `matrix` of one combination. */
export function matrixContext(combination: MatrixCombination): EvalContext {
  return {
    lookup(path) {
      if (path[0] !== 'matrix') return undefined;
      let v: ExprValue | undefined = combination;
      for (const seg of path.slice(1)) {
        if (!v || typeof v !== 'object' || Array.isArray(v)) return null;
        const key: string | undefined = Object.keys(v).find(
          k => k.toLowerCase() === seg.toLowerCase(),
        );
        v = key === undefined ? null : (v as Record<string, ExprValue>)[key];
      }
      return v;
    },
  };
}

/**
 * The values a job's field (e.g. `container.image`, `runs-on`) can take
 * across its matrix: evaluated under each combination, so correlated
 * values stay correlated.
 */
export function valuesAcrossMatrix(
  text: string,
  matrix: unknown,
): PossibleValues {
  if (!text.includes('${{')) return known(text);
  if (matrix === undefined || matrix === null) return templateValues(text);
  const { combinations, unknown } = expandMatrix(matrix);
  if (combinations.length === 0) {
    return union(templateValues(text), { values: [], unknown });
  }
  return union(
    ...combinations.map(c => templateValues(text, matrixContext(c))),
    { values: [], unknown },
  );
}
