import {
  Document,
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

  constructor(
    readonly path: string,
    readonly text: string,
    readonly doc: Document.Parsed,
    lineCounter: LineCounter,
  ) {
    this.lineCounter = lineCounter;
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
      const firstLine = needle.split('\n')[0];
      at = firstLine ? src.indexOf(firstLine) : -1;
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

/** Alias expansion cap when converting to plain JS (alias bombs). */
export const MAX_ALIAS_COUNT = 100;

/**
 * Parse one YAML document with locations. Syntax errors become problems with a
 * file, line and column; the file is returned only when it is usable.
 */
export function parseYaml(path: string, text: string): YamlParseResult {
  const lineCounter = new LineCounter();
  const doc = withoutStackTraces(() =>
    parseDocument(text, { ...PARSE_OPTIONS, lineCounter }),
  );
  const problems = yamlProblems(path, doc, lineCounter);
  if (doc.errors.length) return { problems };
  return { file: new YamlFile(path, text, doc, lineCounter), problems };
}

/** Parse a multi-document YAML stream (GitLab and Kubernetes style files). */
export function parseYamlAll(path: string, text: string): YamlParseResult[] {
  const lineCounter = new LineCounter();
  const docs = withoutStackTraces(() =>
    parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter }),
  );
  const list = Array.isArray(docs) ? docs : [];
  return list.map(doc => {
    const problems = yamlProblems(path, doc, lineCounter);
    return doc.errors.length
      ? { problems }
      : { file: new YamlFile(path, text, doc, lineCounter), problems };
  });
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

/** Plain JS of a node, bounded against alias bombs; undefined on failure. */
export function toJS(file: YamlFile, node: unknown): unknown {
  if (node === undefined || node === null) return undefined;
  try {
    return (node as Node).toJSON !== undefined
      ? (node as any).toJS(file.doc, { maxAliasCount: MAX_ALIAS_COUNT })
      : node;
  } catch {
    return undefined;
  }
}
