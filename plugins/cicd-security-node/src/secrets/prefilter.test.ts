import { keywordsIn, prefilterFor } from './scanSecrets';
import { GENERIC_KEYWORDS, SECRET_RULES } from './rules';

describe('keyword prefilter', () => {
  const words = [
    ...new Set([...SECRET_RULES.flatMap(r => r.keywords), ...GENERIC_KEYWORDS]),
  ];

  it('finds exactly the keywords that occur, overlapping and nested ones included', () => {
    const samples = [
      'npm config: //registry.npmjs.org/:_authToken=abc',
      'SK_LIVE_x sk token TOKEN Secret passwORD',
      'ghp_ghs_gho_ xoxb-xapp- hooks.slack.com/services',
      'plain code with nothing in it',
      'AKIAASIA aws://host eyJ sg. a3t accountkey=',
      '',
    ];
    // Random mixtures of keywords and filler, in both cases.
    let seed = 7;
    const rnd = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      let t = '';
      for (let j = 0; j < 12; j++) {
        const w = words[rnd(words.length)];
        t += rnd(3) === 0 ? w.toUpperCase() : rnd(2) ? w : 'xyz ';
        if (rnd(2)) t = t.slice(0, -1);
      }
      samples.push(t);
    }
    const p = prefilterFor(SECRET_RULES);
    for (const text of samples) {
      const lower = text.toLowerCase();
      const expected = words.filter(w => lower.includes(w)).sort();
      expect({ text, found: [...keywordsIn(text, p)].sort() }).toEqual({
        text,
        found: expected,
      });
    }
  });
});
