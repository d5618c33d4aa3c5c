import { toIso } from './rows';

describe('toIso', () => {
  it.each<[string, Date | number | string, string]>([
    // PostgreSQL returns Date objects.
    [
      'a Date',
      new Date('2026-05-04T03:02:01.123Z'),
      '2026-05-04T03:02:01.123Z',
    ],
    // SQLite returns what knex wrote for a Date: epoch milliseconds.
    ['epoch milliseconds', 1777863721123, '2026-05-04T03:02:01.123Z'],
    ['epoch milliseconds as text', '1777863721123', '2026-05-04T03:02:01.123Z'],
    // SQLite rows written by other tools: SQL text (UTC) or ISO text.
    ['SQL text', '2026-05-04 03:02:01', '2026-05-04T03:02:01.000Z'],
    ['ISO text', '2026-05-04T03:02:01.5Z', '2026-05-04T03:02:01.500Z'],
    [
      'ISO text with an offset',
      '2026-05-04T05:02:01+02:00',
      '2026-05-04T03:02:01.000Z',
    ],
  ])('reads %s', (_name, value, expected) => {
    expect(toIso(value)).toBe(expected);
  });
});
