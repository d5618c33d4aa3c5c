import { ScanProblem } from '@cicd-security/plugin-cicd-security-common';
import { SourceRange } from '../yaml';
import { LineIndex } from '../text/lineIndex';

export type GroovyQuote = "'" | '"' | "'''" | '"""';

/** A Groovy string literal with the exact location of its content. */
export interface GroovyString {
  /** Content between the quotes, as written (escapes not processed). */
  value: string;
  quote: GroovyQuote;
  /** Double-quoted strings containing `$`: Groovy interpolates them. */
  interpolated: boolean;
  /** Offset of the content in the file. */
  offset: number;
  /** Range of the literal including its quotes. */
  range: SourceRange;
  terminated: boolean;
}

export interface JenkinsShellStep {
  step: 'sh' | 'bat' | 'powershell' | 'pwsh';
  script: GroovyString;
  /** Range of the step name. */
  range: SourceRange;
}

export interface JenkinsImage {
  image: GroovyString;
  /** `agent-docker` (`agent { docker { image … } }`), `docker-image` (`docker.image('…')`). */
  kind: 'agent-docker' | 'docker-image';
}

export interface JenkinsAgent {
  kind:
    | 'any'
    | 'none'
    | 'label'
    | 'docker'
    | 'dockerfile'
    | 'kubernetes'
    | 'node'
    | 'other';
  label?: string;
  range: SourceRange;
}

export interface JenkinsLibrary {
  /** `name@ref` as written. */
  value: string;
  name: string;
  ref?: string;
  range: SourceRange;
}

export interface JenkinsEnvEntry {
  name: string;
  /** The literal value, when it is a string. */
  value?: GroovyString;
  /** `credentials('id')`. */
  credentialsId?: string;
  range: SourceRange;
}

export interface Jenkinsfile {
  path: string;
  text: string;
  lines: LineIndex;
  declarative: boolean;
  shellSteps: JenkinsShellStep[];
  images: JenkinsImage[];
  agents: JenkinsAgent[];
  libraries: JenkinsLibrary[];
  environment: JenkinsEnvEntry[];
  /** Variable names bound by `withCredentials` (and `credentials()` environment entries). */
  credentialVariables: Array<{ name: string; range: SourceRange }>;
}

export type GroovyToken =
  | { t: 'id'; v: string; o: number; e: number }
  | { t: 'str'; s: GroovyString; o: number; e: number }
  | { t: 'p'; v: string; o: number; e: number };

/**
 * Tokenise Groovy roughly: identifiers, string literals (with quote kind and
 * location), punctuation; comments skipped. Unterminated strings and comments
 * run to the end of the file and are reported, never thrown.
 */
export function tokenizeGroovy(
  path: string,
  text: string,
  lines: LineIndex,
  problems: ScanProblem[],
): GroovyToken[] {
  const out: GroovyToken[] = [];
  const n = text.length;
  let i = 0;
  const problem = (at: number, message: string) => {
    const p = lines.pos(at);
    problems.push({
      file: path,
      line: p.line,
      column: p.column,
      kind: 'parse-error',
      message,
    });
  };
  while (i < n) {
    const c = text[i];
    if (c === '/' && text[i + 1] === '/') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
      continue;
    }
    if (c === '/' && text[i + 1] === '*') {
      const close = text.indexOf('*/', i + 2);
      if (close === -1) {
        problem(i, 'unterminated comment');
        break;
      }
      i = close + 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const triple = text.startsWith(c.repeat(3), i);
      const quote = (triple ? c.repeat(3) : c) as GroovyQuote;
      const start = i + quote.length;
      let j = start;
      let terminated = false;
      while (j < n) {
        if (text[j] === '\\') {
          j += 2;
          continue;
        }
        if (!triple && text[j] === '\n') break;
        if (text.startsWith(quote, j)) {
          terminated = true;
          break;
        }
        j++;
      }
      j = Math.min(j, n);
      if (!terminated) problem(i, `unterminated string literal ${quote}`);
      const value = text.slice(start, j);
      const end = terminated ? j + quote.length : j;
      out.push({
        t: 'str',
        s: {
          value,
          quote,
          interpolated: c === '"' && /\$/.test(value.replace(/\\\$/g, '')),
          offset: start,
          range: lines.range(i, end - i),
          terminated,
        },
        o: i,
        e: end,
      });
      i = end;
      continue;
    }
    if (/[A-Za-z_$@]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_$]/.test(text[j])) j++;
      out.push({ t: 'id', v: text.slice(i, j), o: i, e: j });
      i = j;
      continue;
    }
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    out.push({ t: 'p', v: c, o: i, e: i + 1 });
    i++;
  }
  return out;
}

const SHELL_STEPS = new Set(['sh', 'bat', 'powershell', 'pwsh']);

/** Tokens an unclosed bracket's arguments may span (broken input). */
const UNCLOSED_REACH = 256;

/**
 * For each bracket token, the index of its partner (`(` ↔ `)`, `{` ↔ `}`,
 * `[` ↔ `]`), or -1 when it has none. One pass; each kind of bracket is
 * matched on its own, ignoring the others, as a forward scan counting that
 * kind would.
 */
function matchBrackets(toks: GroovyToken[]): Int32Array {
  const partner = new Int32Array(toks.length).fill(-1);
  const openers: Record<string, number[]> = { '(': [], '{': [], '[': [] };
  const pairs: Record<string, string> = { ')': '(', '}': '{', ']': '[' };
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    if (t.t !== 'p') continue;
    if (openers[t.v]) openers[t.v].push(k);
    else if (pairs[t.v]) {
      const top = openers[pairs[t.v]].pop();
      if (top !== undefined) {
        partner[top] = k;
        partner[k] = top;
      }
    }
  }
  return partner;
}

/** Parse a Jenkinsfile (declarative or scripted) with a light tokenizer. Never throws. */
export function parseJenkinsfile(
  path: string,
  text: string,
): { jenkinsfile: Jenkinsfile; problems: ScanProblem[] } {
  const problems: ScanProblem[] = [];
  const lines = new LineIndex(text);
  const toks = tokenizeGroovy(path, text, lines, problems);
  const jf: Jenkinsfile = {
    path,
    text,
    lines,
    declarative: false,
    shellSteps: [],
    images: [],
    agents: [],
    libraries: [],
    environment: [],
    credentialVariables: [],
  };
  const rangeOf = (t: GroovyToken) => lines.range(t.o, t.e - t.o);
  const isP = (t: GroovyToken | undefined, v: string) =>
    t?.t === 'p' && t.v === v;
  const isId = (t: GroovyToken | undefined, v?: string) =>
    t?.t === 'id' && (v === undefined || t.v === v);
  const strAt = (k: number) => {
    const t = toks[k];
    return t?.t === 'str' ? t.s : undefined;
  };
  // Matching brackets, found in one pass: looking them up is then constant
  // time, however many calls and blocks a (hostile) file has.
  const partner = matchBrackets(toks);
  /**
   * Index of the token closing the bracket opened at k. An unclosed bracket
   * (broken input) reaches at most {@link UNCLOSED_REACH} tokens further.
   */
  const closing = (k: number) =>
    partner[k] >= 0
      ? partner[k]
      : Math.min(toks.length - 1, k + UNCLOSED_REACH);
  /** The first string argument of a call at k (`name 'x'`, `name('x')`, `name(key: 'x')`). */
  const argString = (k: number, key?: string): GroovyString | undefined => {
    const direct = strAt(k + 1);
    if (direct && !key) return direct;
    if (isP(toks[k + 1], '(')) {
      const end = closing(k + 1);
      if (!key && strAt(k + 2)) return strAt(k + 2);
      for (let j = k + 2; j < end; j++) {
        if (
          isId(toks[j], key ?? 'script') &&
          isP(toks[j + 1], ':') &&
          strAt(j + 2)
        ) {
          return strAt(j + 2);
        }
      }
      if (!key && isP(toks[k + 2], '[')) return strAt(k + 3);
    }
    if (key || isId(toks[k + 1])) {
      // `sh script: '…', returnStdout: true`
      for (let j = k + 1; j < Math.min(toks.length, k + 12); j++) {
        if (
          isId(toks[j], key ?? 'script') &&
          isP(toks[j + 1], ':') &&
          strAt(j + 2)
        ) {
          return strAt(j + 2);
        }
        if (isP(toks[j], '}') || isP(toks[j], '{')) break;
      }
    }
    return undefined;
  };
  // Stack of block owners: the identifier before each `{`.
  const stack: string[] = [];
  /** How many open blocks each owner has (a deep stack is searched in O(1)). */
  const owners = new Map<string, number>();
  for (let k = 0; k < toks.length; k++) {
    const t = toks[k];
    const prev = toks[k - 1];
    if (t.t === 'p') {
      if (t.v === '{') {
        let owner = '';
        for (let j = k - 1; j >= 0 && j >= k - 8; j--) {
          const tj = toks[j];
          if (tj.t === 'id') {
            owner = tj.v;
            break;
          }
          if (tj.t === 'p' && tj.v === ')') {
            // skip back over the argument list
            if (partner[j] < 0) break;
            j = partner[j];
            continue;
          }
          if (tj.t === 'p' && tj.v !== '.') break;
        }
        stack.push(owner);
        owners.set(owner, (owners.get(owner) ?? 0) + 1);
      } else if (t.v === '}' && stack.length) {
        const owner = stack.pop()!;
        owners.set(owner, owners.get(owner)! - 1);
      }
      continue;
    }
    if (t.t !== 'id') continue;
    const afterDot = isP(prev, '.');
    const inside = (name: string) => (owners.get(name) ?? 0) > 0;
    const top = stack[stack.length - 1];
    if (t.v === 'pipeline' && isP(toks[k + 1], '{') && stack.length === 0)
      jf.declarative = true;

    if (!afterDot && SHELL_STEPS.has(t.v)) {
      const script = argString(k);
      if (script) {
        jf.shellSteps.push({
          step: t.v as JenkinsShellStep['step'],
          script,
          range: rangeOf(t),
        });
      }
      continue;
    }
    if (t.v === '@Library' || t.v === 'library') {
      const lits: GroovyString[] = [];
      if (t.v === '@Library' && isP(toks[k + 1], '(')) {
        // Unclosed: only the first argument is taken for a library.
        const end = partner[k + 1] >= 0 ? partner[k + 1] : k + 3;
        for (let j = k + 2; j < end; j++) {
          const s = strAt(j);
          if (s && !(isP(toks[j - 1], ':') && !isId(toks[j - 2], 'value')))
            lits.push(s);
        }
      } else if (t.v === 'library' && !afterDot) {
        const s = argString(k) ?? argString(k, 'identifier');
        if (s) lits.push(s);
      }
      for (const s of lits) {
        const at = s.value.indexOf('@');
        jf.libraries.push({
          value: s.value,
          name: at === -1 ? s.value : s.value.slice(0, at),
          ref: at === -1 ? undefined : s.value.slice(at + 1),
          range: s.range,
        });
      }
      continue;
    }
    if (t.v === 'agent' && !afterDot) {
      const next = toks[k + 1];
      if (isId(next, 'any') || isId(next, 'none')) {
        jf.agents.push({
          kind: (next as any).v,
          range: lines.range(t.o, next!.e - t.o),
        });
      } else if (isP(next, '{')) {
        const end = closing(k + 1);
        const first = toks[k + 2];
        const kinds = ['label', 'docker', 'dockerfile', 'kubernetes', 'node'];
        let kind: JenkinsAgent['kind'] = 'other';
        let label: string | undefined;
        if (first?.t === 'id' && kinds.includes(first.v))
          kind = first.v as JenkinsAgent['kind'];
        for (let j = k + 2; j < end; j++) {
          if (isId(toks[j], 'label') && strAt(j + 1)) {
            label = strAt(j + 1)!.value;
            break;
          }
        }
        if (kind === 'label' || kind === 'node') label ??= strAt(k + 3)?.value;
        jf.agents.push({ kind, label, range: rangeOf(t) });
      }
      continue;
    }
    if (t.v === 'node' && !afterDot && !inside('agent')) {
      // Scripted `node { … }` or `node('label') { … }`.
      const s = isP(toks[k + 1], '(') ? strAt(k + 2) : undefined;
      const opens =
        isP(toks[k + 1], '{') ||
        (isP(toks[k + 1], '(') && isP(toks[closing(k + 1) + 1], '{'));
      if (opens)
        jf.agents.push({ kind: 'node', label: s?.value, range: rangeOf(t) });
      continue;
    }
    if (
      t.v === 'image' &&
      !afterDot &&
      (inside('docker') || top === 'docker')
    ) {
      const s = argString(k);
      if (s) jf.images.push({ image: s, kind: 'agent-docker' });
      continue;
    }
    if (t.v === 'docker' && !afterDot && top === 'agent' && strAt(k + 1)) {
      jf.images.push({ image: strAt(k + 1)!, kind: 'agent-docker' });
      continue;
    }
    if (
      t.v === 'image' &&
      afterDot &&
      isId(toks[k - 2], 'docker') &&
      isP(toks[k + 1], '(')
    ) {
      const s = strAt(k + 2);
      if (s) jf.images.push({ image: s, kind: 'docker-image' });
      continue;
    }
    if (top === 'environment' && !afterDot && isP(toks[k + 1], '=')) {
      const valueTok = toks[k + 2];
      const entry: JenkinsEnvEntry = { name: t.v, range: rangeOf(t) };
      if (valueTok?.t === 'str') entry.value = valueTok.s;
      else if (
        isId(valueTok, 'credentials') &&
        isP(toks[k + 3], '(') &&
        strAt(k + 4)
      ) {
        entry.credentialsId = strAt(k + 4)!.value;
        jf.credentialVariables.push({ name: t.v, range: rangeOf(t) });
      }
      jf.environment.push(entry);
      continue;
    }
    if (t.v === 'withCredentials' && isP(toks[k + 1], '(')) {
      const end = closing(k + 1);
      for (let j = k + 2; j < end; j++) {
        const tj = toks[j];
        if (
          tj.t === 'id' &&
          /(^v|V)ariable$/.test(tj.v) &&
          isP(toks[j + 1], ':') &&
          strAt(j + 2)
        ) {
          const s = strAt(j + 2)!;
          jf.credentialVariables.push({ name: s.value, range: s.range });
        }
      }
    }
  }
  return { jenkinsfile: jf, problems };
}
