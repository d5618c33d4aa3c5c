import { builtinChecks } from './checks';
import { listCheckGuides, readCheckGuide } from './guides';

describe('check guides', () => {
  it('has a guide for every built-in check, and no guide without a check', () => {
    const ids = builtinChecks.map(c => c.id).sort();
    expect(listCheckGuides()).toEqual(ids);
    for (const id of ids) {
      expect(readCheckGuide(id)).toMatch(/^# /);
    }
  });

  it('answers undefined for unknown checks', () => {
    expect(readCheckGuide('no-such-check')).toBeUndefined();
    expect(readCheckGuide('')).toBeUndefined();
  });

  it('never reads outside the guides folder', () => {
    for (const id of [
      '../package',
      '../README',
      '..',
      '../../../../package',
      'README',
      'unpinned-actions/../../package',
      '/etc/passwd',
      'unpinned-actions.md',
      'Unpinned-Actions',
      'unpinned-actions\0',
      'unpinned actions',
    ]) {
      expect(readCheckGuide(id)).toBeUndefined();
    }
    expect(readCheckGuide(undefined as unknown as string)).toBeUndefined();
  });
});
