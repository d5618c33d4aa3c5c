import fs from 'fs';
import os from 'os';
import path from 'path';
import { localRevision } from './localRevision';

describe('localRevision', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-rev-'));
    fs.mkdirSync(path.join(dir, 'a'));
    fs.writeFileSync(path.join(dir, 'a', 'x.yml'), 'x: 1\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('is stable and changes with names, sizes and times, not ignored folders', async () => {
    const first = await localRevision(dir);
    expect(first).toMatch(/^local-sha256:[0-9a-f]{64}$/);
    expect(await localRevision(dir)).toBe(first);

    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'big.js'), 'x');
    fs.mkdirSync(path.join(dir, '.git'));
    fs.writeFileSync(path.join(dir, '.git', 'HEAD'), 'x');
    expect(await localRevision(dir)).toBe(first);

    fs.writeFileSync(path.join(dir, 'a', 'x.yml'), 'x: 22\n');
    const resized = await localRevision(dir);
    expect(resized).not.toBe(first);

    const later = new Date(Date.now() + 60_000);
    fs.utimesSync(path.join(dir, 'a', 'x.yml'), later, later);
    const touched = await localRevision(dir);
    expect(touched).not.toBe(resized);

    fs.renameSync(path.join(dir, 'a', 'x.yml'), path.join(dir, 'a', 'y.yml'));
    expect(await localRevision(dir)).not.toBe(touched);
  });
});
