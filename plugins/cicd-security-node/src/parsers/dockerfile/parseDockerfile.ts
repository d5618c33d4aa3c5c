import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { SourceRange } from '../yaml';
import { LineIndex } from '../text/lineIndex';

/** A heredoc attached to an instruction (`RUN <<EOF … EOF`). */
export interface DockerHeredoc {
  delimiter: string;
  body: string;
  /** Offset of the body in the file text. */
  bodyOffset: number;
}

/** One instruction, with its arguments exactly as written (continuations kept). */
export interface DockerInstruction {
  /** Upper-case keyword: FROM, RUN, ENV… */
  keyword: string;
  /**
   * The arguments as they appear in the source, from the first character after
   * the keyword to the end of the instruction. Continuation characters and line
   * breaks are kept and comment lines inside the instruction are blanked with
   * spaces, so offsets into `args` map one-to-one onto the file.
   */
  args: string;
  /** Offset of `args[0]` in the file text. */
  argsOffset: number;
  line: number;
  column: number;
  endLine: number;
  heredocs: DockerHeredoc[];
  /** Index of the build stage the instruction belongs to (-1 before the first FROM). */
  stage: number;
}

export interface DockerKeyValue {
  key: string;
  value?: string;
  range: SourceRange;
  valueRange?: SourceRange;
  instruction: DockerInstruction;
}

/** A `FROM` line. */
export interface DockerStage {
  index: number;
  /** The image as written, e.g. `node:${NODE_VERSION}-alpine`. */
  image: string;
  /** The image after substituting global ARG defaults. */
  resolvedImage: string;
  /** True when a variable in the image has no default, so the image is unknown. */
  dynamic: boolean;
  /** `FROM scratch`. */
  scratch: boolean;
  /** Set when the FROM names an earlier stage instead of an image. */
  fromStage?: string;
  alias?: string;
  platform?: string;
  imageRange: SourceRange;
  instruction: DockerInstruction;
}

export interface DockerRun {
  /** The shell command, flags like `--mount=` removed; offsets map onto the file via `offset`. */
  command: string;
  /** Offset of `command[0]` in the file text. */
  offset: number;
  /** JSON exec form (`RUN ["sh", "-c", "…"]`). */
  execForm: boolean;
  instruction: DockerInstruction;
}

export interface DockerCopy {
  keyword: 'ADD' | 'COPY';
  flags: Record<string, string>;
  sources: Array<{ value: string; range: SourceRange }>;
  destination?: string;
  instruction: DockerInstruction;
}

export interface Dockerfile {
  path: string;
  text: string;
  lines: LineIndex;
  instructions: DockerInstruction[];
  stages: DockerStage[];
  runs: DockerRun[];
  env: DockerKeyValue[];
  args: DockerKeyValue[];
  copies: DockerCopy[];
  users: Array<{
    user: string;
    range: SourceRange;
    instruction: DockerInstruction;
  }>;
  /** Range of a slice of the file. */
  range(offset: number, length: number): SourceRange;
}

const KEYWORDS = new Set([
  'ADD',
  'ARG',
  'CMD',
  'COPY',
  'ENTRYPOINT',
  'ENV',
  'EXPOSE',
  'FROM',
  'HEALTHCHECK',
  'LABEL',
  'MAINTAINER',
  'ONBUILD',
  'RUN',
  'SHELL',
  'STOPSIGNAL',
  'USER',
  'VOLUME',
  'WORKDIR',
]);

/**
 * Parse a Dockerfile into instructions with exact locations. Never throws:
 * unknown instructions and unterminated heredocs are recorded as problems.
 */
export function parseDockerfile(
  path: string,
  text: string,
): { dockerfile: Dockerfile; problems: ScanProblem[] } {
  const problems: ScanProblem[] = [];
  const lines = new LineIndex(text);
  const instructions: DockerInstruction[] = [];
  let escape = '\\';
  let stage = -1;
  let directives = true;
  let i = 1;
  const total = lines.lineCount;
  while (i <= total) {
    const raw = lines.lineText(i);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) {
      if (directives && trimmed.startsWith('#')) {
        const d = /^#\s*escape\s*=\s*([`\\])\s*$/i.exec(trimmed);
        if (d) escape = d[1];
      } else if (trimmed !== '') directives = false;
      if (trimmed === '') directives = false;
      i++;
      continue;
    }
    directives = false;
    const startLine = i;
    const lead = raw.length - raw.trimStart().length;
    const kw = /^(\S+)/.exec(trimmed)![1];
    const keyword = kw.toUpperCase();
    const lineStart = lines.offsetOf(i);
    const argsOffset = lineStart + lead + kw.length;
    // Collect continuation lines; comment and blank lines inside an
    // instruction are skipped by the builder and do not end it.
    let end = i;
    let last = raw;
    while (endsWithEscape(last, escape) && end < total) {
      end++;
      const t = lines.lineText(end).trim();
      if (t.startsWith('#') || t === '') continue;
      last = lines.lineText(end);
    }
    // Rebuild args from the source, blanking comment lines.
    const endOffset = end < total ? lines.offsetOf(end + 1) - 1 : text.length;
    let args = text
      .slice(argsOffset, Math.max(argsOffset, endOffset))
      .replace(/\r$/, '');
    args = blankCommentLines(args);
    const heredocs: DockerHeredoc[] = [];
    let next = end + 1;
    if (keyword === 'RUN' || keyword === 'COPY' || keyword === 'ADD') {
      const re = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;
      let m: RegExpExecArray | null;
      while ((m = re.exec(args))) {
        const strip = m[1] === '-';
        const delimiter = m[3];
        const bodyStart = next <= total ? lines.offsetOf(next) : text.length;
        let j = next;
        let found = false;
        while (j <= total) {
          const l = lines.lineText(j);
          if ((strip ? l.replace(/^\t+/, '') : l).trim() === delimiter) {
            found = true;
            break;
          }
          j++;
        }
        const bodyEnd = j <= total ? lines.offsetOf(j) : text.length;
        heredocs.push({
          delimiter,
          body: text.slice(bodyStart, Math.max(bodyStart, bodyEnd)),
          bodyOffset: bodyStart,
        });
        if (!found) {
          problems.push({
            file: path,
            line: startLine,
            column: lead + 1,
            kind: 'parse-error',
            message: `heredoc <<${delimiter} is not terminated`,
          });
        }
        next = Math.min(j + 1, total + 1);
        end = Math.min(j, total);
      }
    }
    if (!KEYWORDS.has(keyword)) {
      problems.push({
        file: path,
        line: startLine,
        column: lead + 1,
        kind: 'parse-error',
        message: `unknown Dockerfile instruction ${kw.slice(0, 40)}`,
      });
    }
    if (keyword === 'FROM') stage++;
    instructions.push({
      keyword,
      args,
      argsOffset,
      line: startLine,
      column: lead + 1,
      endLine: end,
      heredocs,
      stage,
    });
    i = Math.max(next, end + 1);
  }
  const dockerfile = buildModel(path, text, lines, instructions);
  return { dockerfile, problems };
}

function endsWithEscape(line: string, escape: string): boolean {
  const t = line.trimEnd();
  return t.endsWith(escape) && !t.trimStart().startsWith('#');
}

/** Replace comment lines (after the first) with spaces of the same length. */
function blankCommentLines(args: string): string {
  const ls = args.split('\n');
  return ls
    .map((l, n) =>
      n > 0 && l.trim().startsWith('#') ? ' '.repeat(l.length) : l,
    )
    .join('\n');
}

function buildModel(
  path: string,
  text: string,
  lines: LineIndex,
  instructions: DockerInstruction[],
): Dockerfile {
  const range = (offset: number, length: number) => lines.range(offset, length);
  const df: Dockerfile = {
    path,
    text,
    lines,
    instructions,
    stages: [],
    runs: [],
    env: [],
    args: [],
    copies: [],
    users: [],
    range,
  };
  const globalArgs = new Map<string, string | undefined>();
  const aliases = new Set<string>();
  for (const ins of instructions) {
    const words = splitWords(ins.args, ins.argsOffset);
    switch (ins.keyword) {
      case 'ARG':
      case 'ENV': {
        const kvs = keyValues(ins, words, range);
        (ins.keyword === 'ARG' ? df.args : df.env).push(...kvs);
        if (ins.keyword === 'ARG' && ins.stage === -1) {
          for (const kv of kvs) globalArgs.set(kv.key, kv.value);
        }
        break;
      }
      case 'FROM': {
        const rest = words.filter(w => !w.value.startsWith('--'));
        const platform = words
          .find(w => w.value.startsWith('--platform='))
          ?.value.slice('--platform='.length);
        const img = rest[0];
        if (!img) break;
        const asIdx = rest.findIndex(
          (w, n) => n > 0 && w.value.toLowerCase() === 'as',
        );
        const alias = asIdx > 0 ? rest[asIdx + 1]?.value : undefined;
        const { value, dynamic } = substitute(img.value, globalArgs);
        const lower = value.toLowerCase();
        const fromStage = aliases.has(lower) ? lower : undefined;
        df.stages.push({
          index: ins.stage,
          image: img.value,
          resolvedImage: value,
          dynamic,
          scratch: lower === 'scratch',
          fromStage,
          alias,
          platform,
          imageRange: range(img.offset, img.raw.length),
          instruction: ins,
        });
        if (alias) aliases.add(alias.toLowerCase());
        break;
      }
      case 'RUN': {
        if (ins.heredocs.length && /^\s*(--\S+\s+)*<</.test(ins.args)) {
          for (const h of ins.heredocs) {
            df.runs.push({
              command: h.body,
              offset: h.bodyOffset,
              execForm: false,
              instruction: ins,
            });
          }
          break;
        }
        let k = 0;
        const m = /^(\s*(?:--\S+\s+)*)/.exec(
          ins.args.replace(/\\\r?\n/g, '  '),
        );
        if (m) k = m[1].length;
        const command = ins.args.slice(k);
        df.runs.push({
          command,
          offset: ins.argsOffset + k,
          execForm: command.trimStart().startsWith('['),
          instruction: ins,
        });
        for (const h of ins.heredocs) {
          df.runs.push({
            command: h.body,
            offset: h.bodyOffset,
            execForm: false,
            instruction: ins,
          });
        }
        break;
      }
      case 'ADD':
      case 'COPY': {
        const flags: Record<string, string> = {};
        const rest = words.filter(w => {
          const f = /^--([a-z-]+)(?:=(.*))?$/.exec(w.value);
          if (f) flags[f[1]] = f[2] ?? 'true';
          return !f;
        });
        if (rest.length && !rest[0].value.startsWith('[')) {
          const dest = rest.length > 1 ? rest[rest.length - 1] : undefined;
          const srcs = dest ? rest.slice(0, -1) : rest;
          df.copies.push({
            keyword: ins.keyword,
            flags,
            sources: srcs
              .filter(s => !s.value.startsWith('<<'))
              .map(s => ({
                value: s.value,
                range: range(s.offset, s.raw.length),
              })),
            destination: dest?.value,
            instruction: ins,
          });
        }
        break;
      }
      case 'USER': {
        const w = words[0];
        if (w)
          df.users.push({
            user: w.value,
            range: range(w.offset, w.raw.length),
            instruction: ins,
          });
        break;
      }
      default:
    }
  }
  return df;
}

interface Word {
  /** Unquoted value. */
  value: string;
  /** Source text of the word. */
  raw: string;
  offset: number;
}

/** Split arguments into words, honouring quotes and line continuations. */
export function splitWords(args: string, base: number): Word[] {
  const out: Word[] = [];
  let i = 0;
  const n = args.length;
  while (i < n) {
    const c = args[i];
    if (
      c === '\\' &&
      (args[i + 1] === '\n' || (args[i + 1] === '\r' && args[i + 2] === '\n'))
    ) {
      i += args[i + 1] === '\r' ? 3 : 2;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    const start = i;
    let value = '';
    while (i < n && !/\s/.test(args[i])) {
      const ch = args[i];
      if (ch === '"' || ch === "'") {
        const close = args.indexOf(ch, i + 1);
        const stop = close === -1 ? n : close;
        value += args.slice(i + 1, stop);
        i = stop + 1;
      } else if (ch === '\\' && i + 1 < n && args[i + 1] !== '\n') {
        value += args[i + 1];
        i += 2;
      } else {
        value += ch;
        i++;
      }
    }
    out.push({
      value,
      raw: args.slice(start, Math.min(i, n)),
      offset: base + start,
    });
  }
  return out;
}

function keyValues(
  ins: DockerInstruction,
  words: Word[],
  range: (o: number, l: number) => SourceRange,
): DockerKeyValue[] {
  if (!words.length) return [];
  // Legacy `ENV KEY value with spaces`.
  if (ins.keyword === 'ENV' && !words[0].raw.includes('=')) {
    const key = words[0];
    const rest = words.slice(1);
    const value = rest.map(w => w.value).join(' ');
    const last = rest[rest.length - 1];
    return [
      {
        key: key.value,
        value,
        range: range(key.offset, key.raw.length),
        valueRange: rest.length
          ? range(
              rest[0].offset,
              last.offset + last.raw.length - rest[0].offset,
            )
          : undefined,
        instruction: ins,
      },
    ];
  }
  return words.map(w => {
    const eq = w.raw.indexOf('=');
    if (eq === -1) {
      return {
        key: w.value,
        range: range(w.offset, w.raw.length),
        instruction: ins,
      };
    }
    const key = w.raw.slice(0, eq);
    const vEq = w.value.indexOf('=');
    return {
      key,
      value: w.value.slice(vEq + 1),
      range: range(w.offset, key.length),
      valueRange: range(w.offset + eq + 1, w.raw.length - eq - 1),
      instruction: ins,
    };
  });
}

/** Substitute `$VAR`, `${VAR}`, `${VAR:-default}` from build args. */
export function substitute(
  value: string,
  vars: Map<string, string | undefined>,
): { value: string; dynamic: boolean } {
  let dynamic = false;
  const out = value.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (_m, braced: string, op: string, word: string, bare: string) => {
      const name = braced ?? bare;
      const v = vars.get(name);
      if (op === '-') return v ? v : word;
      if (op === '+') return v ? word : '';
      if (v === undefined || v === '') {
        dynamic = true;
        return _m;
      }
      return v;
    },
  );
  return { value: out, dynamic };
}
