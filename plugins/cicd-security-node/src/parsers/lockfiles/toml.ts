import { parse, TomlError } from 'smol-toml';
import { LineIndex } from '../text/lineIndex';
import { errorMessage, FileCollector, objectOf } from './model';

/** Inline tables and arrays nested deeper than this are refused. */
const MAX_TOML_DEPTH = 64;

/** A TOML document as plain objects, or undefined with a located problem. */
export function parseToml(
  text: string,
  out: FileCollector,
): Record<string, unknown> | undefined {
  try {
    return objectOf(
      parse(text, { maxDepth: MAX_TOML_DEPTH, unsafeKeyBehaviour: 'drop' }),
    );
  } catch (e) {
    if (e instanceof TomlError) {
      out.problem(`not valid TOML: ${errorMessage(e)}`, e.line, e.column);
    } else {
      out.problem(`not valid TOML: ${errorMessage(e)}`);
    }
    return undefined;
  }
}

/** TOML that is not the lockfile's own (a manifest next to it): its value or nothing. */
export function tryParseToml(
  text: string | undefined,
): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  try {
    return objectOf(
      parse(text, { maxDepth: MAX_TOML_DEPTH, unsafeKeyBehaviour: 'drop' }),
    );
  } catch {
    return undefined;
  }
}

/**
 * Lines of the `[[name]]` array-of-tables headers, in order: the i-th
 * entry of the array starts on the i-th of them.
 */
export function arrayTableLines(text: string, name: string): number[] {
  const header = `[[${name}]]`;
  const lines = new LineIndex(text);
  const out: number[] = [];
  for (
    let at = text.indexOf(header);
    at !== -1;
    at = text.indexOf(header, at + 1)
  ) {
    // Only blanks between the line's start and the header.
    let k = at - 1;
    while (k >= 0 && (text[k] === ' ' || text[k] === '\t')) k--;
    if (k < 0 || text[k] === '\n') out.push(lines.pos(at).line);
  }
  return out;
}
