import { SourceRange } from '../yaml';

/** Maps offsets of a text to 1-based lines and columns, and back. */
export class LineIndex {
  readonly starts: number[];

  constructor(readonly text: string) {
    this.starts = [0];
    for (let i = 0; i < text.length; i++) {
      if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
    }
  }

  /** 1-based line and column of an offset (clamped to the text). */
  pos(offset: number): { line: number; column: number } {
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: o - this.starts[lo] + 1 };
  }

  /** The range covering `length` characters from `offset`. */
  range(offset: number, length: number): SourceRange {
    const s = this.pos(offset);
    const e = this.pos(offset + Math.max(0, length));
    return {
      line: s.line,
      column: s.column,
      endLine: e.line,
      endColumn: e.column,
    };
  }

  /** Offset of the start of a 1-based line. */
  offsetOf(line: number): number {
    return this.starts[Math.max(0, Math.min(line - 1, this.starts.length - 1))];
  }

  /** The text of one 1-based line without its line break. */
  lineText(line: number): string {
    const from = this.offsetOf(line);
    const to = line < this.starts.length ? this.starts[line] : this.text.length;
    return this.text.slice(from, to).replace(/\r?\n$/, '');
  }

  get lineCount(): number {
    return this.starts.length;
  }
}
