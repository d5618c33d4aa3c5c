import {
  Alias,
  Document,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  Node,
  parseAllDocuments,
  parseDocument,
  Scalar,
  YAMLMap,
} from 'yaml';
import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { capProblems, MAX_PROBLEMS_PER_FILE } from '../problems';

/** A 1-based source range. */
export interface SourceRange {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** A string value from the source with its exact location. */
export interface LocatedString {
  value: string;
  range: SourceRange;
  /** The scalar node, to locate substrings of the value precisely. */
  node?: Scalar;
}

/** A parsed YAML file with the means to map nodes and offsets back to the source. */
export class YamlFile {
  readonly lineCounter: LineCounter;

  /** Where each alias leads, resolved once for the whole document. */
  readonly #aliases: Map<Alias, Node | undefined>;
  /** A note, with its location, when aliases past the cap were not followed. */
  readonly aliasProblems: ScanProblem[];

  constructor(
    readonly path: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    lineCounter: LineCounter,
  ) {
    this.lineCounter = lineCounter;
    const { targets, overCap } = indexAliases(doc);
    this.#aliases = targets;
    this.aliasProblems = [];
    if (overCap) {
      const at = this.pos(overCap.alias.range?.[0] ?? 0);
      this.aliasProblems.push({
        file: path,
        line: at.line,
        column: at.column,
        kind: 'parse-error',
        message: `YAML aliases would expand to more than ${overCap.limit}; this alias and the ones after it are not followed`,
      });
    }
  }

  /**
   * The node an alias (`*anchor`) names, so that jobs, steps and maps reused
   * through anchors are read like written-out ones (their locations are those
   * of the anchored original); any other node as it is. Undefined for an
   * alias that names no anchor, names its own ancestor (a cycle) or is past
   * the alias cap. Constant time: aliases are resolved once per document.
   */
  deref(node: unknown): Node | undefined {
    if (isAlias(node)) return this.#aliases.get(node);
    return (node ?? undefined) as Node | undefined;
  }

  /** Position of a source offset, 1-based. */
  pos(offset: number): { line: number; column: number } {
    const p = this.lineCounter.linePos(offset);
    return { line: p.line, column: p.col };
  }

  rangeOf(node: Node | undefined | null): SourceRange {
    const r = node?.range ?? [0, 0, 0];
    const start = this.pos(r[0]);
    const end = this.pos(Math.max(r[0], r[1]));
    return {
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
  }

  /** The root mapping, or undefined when the document is not a mapping. */
  root(): YAMLMap | undefined {
    return isMap(this.doc.contents) ? this.doc.contents : undefined;
  }

  /** A scalar node as a located string (numbers and booleans stringified). */
  located(node: unknown): LocatedString | undefined {
    if (!isScalar(node) || node.value === null || node.value === undefined) {
      return undefined;
    }
    return { value: String(node.value), range: this.rangeOf(node), node };
  }

  /**
   * The location of a substring of a scalar's value: `offset` and `length`
   * index into the parsed value. Exact for plain, quoted and block scalars
   * whenever the substring appears verbatim in the source (the usual case
   * for expressions and commands); otherwise the scalar's start.
   */
  locateIn(loc: LocatedString, offset: number, length: number): SourceRange {
    const node = loc.node;
    if (!node?.range) return loc.range;
    const needle = loc.value.slice(offset, offset + length);
    if (!needle) return loc.range;
    // Which occurrence of the needle in the value is this?
    let k = 0;
    for (
      let i = loc.value.indexOf(needle);
      i !== -1 && i < offset;
      i = loc.value.indexOf(needle, i + 1)
    ) {
      k++;
    }
    const src = this.text.slice(node.range[0], node.range[1]);
    let at = -1;
    for (
      let n = 0, i = src.indexOf(needle);
      i !== -1;
      i = src.indexOf(needle, i + 1), n++
    ) {
      if (n === k) {
        at = i;
        break;
      }
    }
    if (at === -1) {
      // Multi-line needles in folded scalars: fall back to the first line of it.
      const head = needle.split('\n')[0];
      at = head ? src.indexOf(head) : -1;
      if (at === -1) return loc.range;
    }
    const start = this.pos(node.range[0] + at);
    const end = this.pos(node.range[0] + at + needle.length);
    return {
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
    };
  }

  /** The source text of one line (1-based), without its newline. */
  lineText(line: number): string {
    const starts = this.lineCounter.lineStarts;
    const from = starts[line - 1] ?? 0;
    const to = starts[line] ?? this.text.length;
    return this.text.slice(from, to).replace(/\r?\n$/, '');
  }
}

export interface YamlParseResult {
  file?: YamlFile;
  problems: ScanProblem[];
}

/** Options that bound the parser on hostile input. */
const PARSE_OPTIONS = {
  prettyErrors: false,
  strict: false,
  uniqueKeys: false,
  // 'core' avoids YAML 1.1's surprises like `on:` turning into `true`.
  schema: 'core',
} as const;

/** Aliases followed per document; later ones are not followed. */
export const MAX_ALIAS_COUNT = 100_000;
/**
 * Nodes the followed aliases may expand to in total (each alias counts the
 * nodes of what it names, aliases inside included): bounds the work of any
 * walk that follows aliases, against alias bombs.
 */
export const MAX_ALIAS_EXPANSION = 1_000_000;

/**
 * Resolve every alias of a document in one walk, in document order (an
 * alias names the closest anchor of that name before it), and measure what
 * each expands to. Iterative, so deep documents cannot overflow the stack.
 */
function indexAliases(doc: Document.Parsed): {
  targets: Map<Alias, Node | undefined>;
  overCap?: { alias: Alias; limit: string };
} {
  const targets = new Map<Alias, Node | undefined>();
  const anchors = new Map<string, Node>();
  /** Expanded size of each finished node that carries an anchor. */
  const sizes = new Map<Node, number>();
  let count = 0;
  let expansion = 0;
  let overCap: { alias: Alias; limit: string } | undefined;
  type Frame = { node: Node; children: unknown[]; next: number; size: number };
  const stack: Frame[] = [];
  const childrenOf = (node: Node): unknown[] => {
    if (isMap(node)) {
      const out: unknown[] = [];
      for (const p of node.items) out.push(p.key, p.value);
      return out;
    }
    return isSeq(node) ? node.items : [];
  };
  /** Size of a leaf or alias; pushes a frame for a collection. */
  const enter = (child: unknown): number | undefined => {
    if (child === null || child === undefined || typeof child !== 'object') {
      return 0;
    }
    if (isAlias(child)) {
      const target = anchors.get(child.source);
      const size = target ? sizes.get(target) : undefined;
      // No anchor, or an anchor still open above this alias (a cycle).
      if (size === undefined || overCap) {
        targets.set(child, undefined);
        return 1;
      }
      count++;
      expansion += size;
      if (count > MAX_ALIAS_COUNT || expansion > MAX_ALIAS_EXPANSION) {
        overCap = {
          alias: child,
          limit:
            count > MAX_ALIAS_COUNT
              ? `${MAX_ALIAS_COUNT} aliases`
              : `${MAX_ALIAS_EXPANSION} nodes`,
        };
        targets.set(child, undefined);
        return 1;
      }
      targets.set(child, target);
      return size;
    }
    const node = child as Node;
    if (node.anchor) anchors.set(node.anchor, node);
    if (isMap(node) || isSeq(node)) {
      stack.push({ node, children: childrenOf(node), next: 0, size: 1 });
      return undefined;
    }
    if (node.anchor) sizes.set(node, 1);
    return 1;
  };
  const root = doc.contents;
  if (root === null || root === undefined) return { targets };
  const rootSize = enter(root);
  if (rootSize !== undefined) return { targets, overCap };
  while (stack.length) {
    const top = stack[stack.length - 1];
    if (top.next < top.children.length) {
      const size = enter(top.children[top.next++]);
      if (size !== undefined) top.size += size;
      continue;
    }
    stack.pop();
    if (top.node.anchor) sizes.set(top.node, top.size);
    if (stack.length) stack[stack.length - 1].size += top.size;
  }
  return { targets, overCap };
}

/**
 * Parse one YAML document with locations. Syntax errors become problems with a
 * file, line and column; the file is returned only when it is usable.
 */
export function parseYaml(path: string, text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  let doc: Document.Parsed;
  try {
    doc = withoutStackTraces(() =>
      parseDocument(text, { ...PARSE_OPTIONS, lineCounter }),
    );
  } catch (e) {
    return { problems: [parserFailure(path, e)] };
  }
  const problems = yamlProblems(path, doc, lineCounter);
  if (doc.errors.length) return { problems };
  const file = new YamlFile(path, text, doc, lineCounter);
  return { file, problems: [...problems, ...file.aliasProblems] };
}

/** Parse a multi-document YAML stream (GitLab and Kubernetes style files). */
export function parseYamlAll(path: string, text: string): YamlParseResult[] {
  const lineCounter = new LineCounter();
  let docs: Document.Parsed[] | unknown;
  try {
    docs = withoutStackTraces(() =>
      parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter }),
    );
  } catch (e) {
    return [{ problems: [parserFailure(path, e)] }];
  }
  const list: Document.Parsed[] = Array.isArray(docs) ? docs : [];
  return list.map(doc => {
    const problems = yamlProblems(path, doc, lineCounter);
    if (doc.errors.length) return { problems };
    const file = new YamlFile(path, text, doc, lineCounter);
    return { file, problems: [...problems, ...file.aliasProblems] };
  });
}

/**
 * The YAML library itself failed, e.g. its recursive parser ran out of stack
 * on thousands of nested compact mappings (`a:  b:  c: …` on one line).
 */
function parserFailure(path: string, e: unknown): ScanProblem {
  const reason =
    e instanceof RangeError
      ? 'nested too deeply to parse'
      : firstLine(e instanceof Error ? e.message : String(e));
  return {
    file: path,
    line: 1,
    column: 1,
    kind: 'parse-error',
    message: `YAML could not be parsed: ${reason}`,
  };
}

/** The document's errors as problems with a location, capped per file. */
function yamlProblems(
  path: string,
  doc: Document.Parsed,
  lineCounter: LineCounter,
): ScanProblem[] {
  const errors = doc.errors;
  const problems: ScanProblem[] = [];
  for (const e of errors.slice(0, MAX_PROBLEMS_PER_FILE)) {
    const p = lineCounter.linePos(e.pos[0]);
    problems.push({
      file: path,
      line: p.line,
      column: p.col,
      kind: 'parse-error',
      message: `YAML ${e.code}: ${firstLine(e.message)}`,
    });
  }
  if (errors.length > MAX_PROBLEMS_PER_FILE) {
    return capProblems(
      problems.concat({
        file: path,
        kind: 'parse-error',
        message: `and ${
          errors.length - MAX_PROBLEMS_PER_FILE
        } more problems of this file were not listed`,
      }),
    );
  }
  return problems;
}

/**
 * Run the parser without capturing a stack trace for each of its errors: a
 * junk file yields one error object per bad token, and capturing their
 * stacks costs more than the parse itself.
 */
function withoutStackTraces<T>(parse: () => T): T {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return parse();
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function firstLine(s: string) {
  return s.split('\n')[0];
}

/** Get the value node of `key` in a mapping node. */
export function getNode(map: unknown, key: string): Node | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) {
      return (item.value ?? undefined) as Node | undefined;
    }
  }
  return undefined;
}

/** Get the key node of `key` in a mapping node (to point findings at keys). */
export function getKeyNode(map: unknown, key: string): Scalar | undefined {
  if (!isMap(map)) return undefined;
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key) && String(item.key.value) === key) {
      return item.key;
    }
  }
  return undefined;
}

/** Entries of a mapping node as [key, keyNode, valueNode]. */
export function mapEntries(
  map: unknown,
): Array<[string, Scalar, Node | undefined]> {
  if (!isMap(map)) return [];
  const out: Array<[string, Scalar, Node | undefined]> = [];
  for (const item of map.items) {
    if (isPair(item) && isScalar(item.key)) {
      out.push([
        String(item.key.value),
        item.key,
        (item.value ?? undefined) as Node | undefined,
      ]);
    }
  }
  return out;
}

/** Items of a sequence node. */
export function seqItems(seq: unknown): Node[] {
  return isSeq(seq) ? (seq.items as Node[]) : [];
}

/** Nesting beyond which {@link toJS} gives up (hostile input). */
const MAX_TO_JS_DEPTH = 500;

/**
 * Plain JS of a node: mappings become objects (keys as strings, the last of
 * duplicate keys wins, `<<` is an ordinary key), sequences arrays, scalars
 * their value. Aliases are followed through the document's alias index, so
 * the work is bounded by the alias caps; undefined when nested too deep.
 */
export function toJS(file: YamlFile, node: unknown): unknown {
  if (node === undefined || node === null) return undefined;
  try {
    return convert(file, node, 0);
  } catch (e) {
    if (e instanceof TooDeep) return undefined;
    throw e;
  }
}

class TooDeep extends Error {}

function convert(file: YamlFile, raw: unknown, depth: number): unknown {
  if (depth > MAX_TO_JS_DEPTH) throw new TooDeep();
  if (raw === null || typeof raw !== 'object') return raw;
  const node = file.deref(raw);
  if (node === undefined) return undefined;
  if (isScalar(node)) return node.value;
  if (isSeq(node)) return node.items.map(i => convert(file, i, depth + 1));
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      const k = convert(file, pair.key, depth + 1);
      const key =
        k === null || k === undefined
          ? ''
          : typeof k === 'object'
          ? JSON.stringify(k)
          : String(k);
      // defineProperty: a `__proto__` key is data, never a prototype.
      Object.defineProperty(out, key, {
        value: convert(file, pair.value, depth + 1),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  }
  return undefined;
}
