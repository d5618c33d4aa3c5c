import { bumpAfterWrites, DataVersion } from './dataVersion';

class Store {
  written: string[] = [];
  async save(what: string) {
    this.written.push(what);
  }
  async expire(count: number) {
    return count;
  }
  async broken() {
    throw new Error('disk full');
  }
  async read() {
    return this.written.length;
  }
}

describe('bumpAfterWrites', () => {
  it('counts the writes of the named methods only, and a write that reports none is not one', async () => {
    const version = new DataVersion();
    const store = new Store();
    bumpAfterWrites(store, ['save', 'expire', 'broken'], version, {
      expire: n => Number(n) > 0,
    });
    await store.save('a');
    expect(store.written).toEqual(['a']);
    expect(version.value).toBe(1);
    await store.read();
    expect(version.value).toBe(1);
    expect(await store.expire(0)).toBe(0);
    expect(version.value).toBe(1);
    expect(await store.expire(2)).toBe(2);
    expect(version.value).toBe(2);
    // A failed write may have written part: it counts.
    await expect(store.broken()).rejects.toThrow('disk full');
    expect(version.value).toBe(3);
  });
});
