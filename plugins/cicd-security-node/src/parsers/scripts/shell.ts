import { SourceRange } from '../yaml';

/**
 * A rough shell reader for checks: enough to find commands, their words and
 * pipelines with exact offsets, not a full shell parser.
 */

/**
 * Replace backslash-newline continuations (the backslashes, an optional CR
 * and the newline) with spaces of the same length. One pass from each
 * newline backwards: `/\\+\r?\n/g` backtracks quadratically on a long run of
 * backslashes.
 */
export function flattenContinuations(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  let last = 0;
  for (
    let nl = text.indexOf('\n');
    nl !== -1;
    nl = text.indexOf('\n', nl + 1)
  ) {
    const end = nl > 0 && text[nl - 1] === '\r' ? nl - 1 : nl;
    let start = end;
    while (start > last && text[start - 1] === '\\') start--;
    if (start === end) continue;
    out += text.slice(last, start) + ' '.repeat(nl + 1 - start);
    last = nl + 1;
  }
  return out + text.slice(last);
}

export interface ShellWord {
  /** The word with quotes removed. */
  value: string;
  /** Offset of the word's first character in the script text. */
  offset: number;
  /** Length of the word as written. */
  length: number;
}

export interface ShellCommand {
  /** All words, leading `VAR=value` assignments included. */
  words: ShellWord[];
  /** Offset of the first word. */
  offset: number;
  /** Offset just after the last word. */
  end: number;
  /** The operator after the command: `|`, `&&`, `||`, `;`, `&`, `\n` or '' at the end. */
  next: string;
}

/**
 * Split a script into simple commands. Quotes, `$( … )` and backticks stay
 * inside their word; `#` comments are skipped; line continuations join lines.
 */
export function shellCommands(script: string): ShellCommand[] {
  const text = flattenContinuations(script);
  const out: ShellCommand[] = [];
  let words: ShellWord[] = [];
  const n = text.length;
  let i = 0;
  const finish = (next: string) => {
    if (words.length) {
      const last = words[words.length - 1];
      out.push({
        words,
        offset: words[0].offset,
        end: last.offset + last.length,
        next,
      });
    }
    words = [];
  };
  while (i < n) {
    const c = text[i];
    // Every blank but the newline separates words (vertical tab, form feed,
    // no-break space…): the word reader below stops at all of them.
    if (c !== '\n' && /\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '\n' || c === ';') {
      finish(c);
      i++;
      continue;
    }
    if (c === '&' || c === '|') {
      const two = text.slice(i, i + 2);
      if (two === '&&' || two === '||') {
        finish(two);
        i += 2;
      } else if (c === '|' || text[i + 1] !== '>') {
        finish(c);
        i++;
      } else {
        i++;
      }
      continue;
    }
    if (
      (c === '(' || c === ')' || c === '{' || c === '}') &&
      (i + 1 >= n || /[\s;]/.test(text[i + 1]) || c === '(' || c === ')')
    ) {
      finish(';');
      i++;
      continue;
    }
    if (c === '#') {
      const nl = text.indexOf('\n', i);
      i = nl === -1 ? n : nl;
      continue;
    }
    // A word.
    const start = i;
    let value = '';
    let depth = 0;
    while (i < n) {
      const ch = text[i];
      if (
        depth === 0 &&
        /[\s;&|()]/.test(ch) &&
        !(ch === '(' && text[i - 1] === '$') &&
        !(ch === '(' && text[i - 1] === '<')
      ) {
        // `2>&1`, `&>` stay in the word
        if (ch === '&' && (text[i - 1] === '>' || text[i + 1] === '>')) {
          value += ch;
          i++;
          continue;
        }
        break;
      }
      if (ch === '\\' && i + 1 < n) {
        value += text[i + 1];
        i += 2;
        continue;
      }
      if (ch === "'") {
        const close = text.indexOf("'", i + 1);
        const stop = close === -1 ? n : close;
        value += text.slice(i + 1, stop);
        i = stop + 1;
        continue;
      }
      if (ch === '"') {
        let j = i + 1;
        while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
        value += text.slice(i + 1, Math.min(j, n));
        i = j + 1;
        continue;
      }
      if (ch === '`') {
        const close = text.indexOf('`', i + 1);
        const stop = close === -1 ? n : close;
        value += text.slice(i, stop + 1);
        i = stop + 1;
        continue;
      }
      if (ch === '(') depth++;
      else if (ch === ')' && depth > 0) depth--;
      value += ch;
      i++;
    }
    if (i === start) {
      // Nothing the word reader takes: skip it rather than loop forever.
      i++;
      continue;
    }
    words.push({ value, offset: start, length: Math.min(i, n) - start });
  }
  finish('');
  return out;
}

const WRAPPERS = new Set([
  'sudo',
  'env',
  'time',
  'nice',
  'exec',
  'nohup',
  'command',
  'doas',
  'xargs',
]);

/**
 * The words of a command without leading `VAR=value` assignments and
 * wrappers like `sudo -E`, `env A=b`, `time`.
 */
export function commandWords(cmd: ShellCommand): ShellWord[] {
  let k = 0;
  const w = cmd.words;
  while (k < w.length) {
    if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(w[k].value)) {
      k++;
      continue;
    }
    if (WRAPPERS.has(w[k].value)) {
      k++;
      while (
        k < w.length &&
        (w[k].value.startsWith('-') ||
          /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[k].value))
      ) {
        // sudo -u user: skip the option's argument too
        if (/^-[ugCDhprt]$/.test(w[k].value) && k + 1 < w.length) k++;
        k++;
      }
      continue;
    }
    break;
  }
  return w.slice(k);
}

/** The program name of a command (basename, without `.exe`). */
export function programName(word: ShellWord | undefined): string {
  if (!word) return '';
  return word.value.replace(/^.*[\\/]/, '').replace(/\.exe$/i, '');
}

/** The source line of `offset` in `text`, trimmed and cut to 200 characters. */
export function lineAround(text: string, offset: number): string {
  const from = text.lastIndexOf('\n', offset - 1) + 1;
  const nl = text.indexOf('\n', offset);
  const line = text.slice(from, nl === -1 ? text.length : nl).trim();
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}

/** Location fields for a finding on `length` characters at `offset` of a script. */
export function scriptLocation(
  block: {
    file: string;
    text: string;
    locate(o: number, l: number): SourceRange;
  },
  offset: number,
  length: number,
): {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  snippet: string;
} {
  const r = block.locate(offset, length);
  return {
    file: block.file,
    line: r.line,
    column: r.column,
    endLine: r.endLine,
    endColumn: r.endColumn,
    snippet: lineAround(block.text, offset),
  };
}
