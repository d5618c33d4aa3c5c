import fc from 'fast-check';
import { flattenContinuations } from './shell';

const byExpression = (text: string) =>
  text.replace(/\\+\r?\n/g, m => ' '.repeat(m.length));

describe('flattenContinuations', () => {
  it.each([
    ['a \\\nb', 'a   b'],
    ['a \\\r\nb', 'a    b'],
    ['a \\\\\\\nb', 'a     b'],
    ['no continuation\n', 'no continuation\n'],
    ['\\\n', '  '],
    ['a\\b\\\r', 'a\\b\\\r'],
  ])('flattens %j', (text, expected) => {
    expect(flattenContinuations(text)).toBe(expected);
    expect(flattenContinuations(text)).toHaveLength(text.length);
  });

  it('agrees with the regular expression it replaces', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom('\\', '\r', '\n', ' ', 'a', '"'), {
          maxLength: 60,
        }),
        chars => {
          const text = chars.join('');
          expect(flattenContinuations(text)).toBe(byExpression(text));
        },
      ),
      { seed: 42, numRuns: 2000 },
    );
  });

  it('keeps a long run of backslashes', () => {
    const text = `curl ${'\\'.repeat(1 << 20)} | sh\n`;
    // The expression took minutes here. Its growth with the run's length is
    // measured by `node bench/run.js hostile`.
    expect(flattenContinuations(text)).toBe(text);
  });
});
