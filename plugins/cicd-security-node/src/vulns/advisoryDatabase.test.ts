import fs from 'fs';
import os from 'os';
import path from 'path';
import { openOsvDirectory } from './advisoryDatabase';

describe('openOsvDirectory', () => {
  it('refuses a directory without any readable record, naming the first problem', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'osv-empty-'));
    await expect(openOsvDirectory(dir)).rejects.toThrow(
      /^no OSV record could be read$/,
    );
    fs.writeFileSync(path.join(dir, 'broken.json'), '{');
    await expect(openOsvDirectory(dir)).rejects.toThrow(
      /^no OSV record could be read \(broken\.json: /,
    );
  });

  it('opens the demo records and describes them', async () => {
    const { database, records, problems } = await openOsvDirectory(
      path.resolve(__dirname, '../../../../examples/osv'),
    );
    expect(records).toBe(3);
    expect(problems).toEqual([]);
    expect(database.description).toMatch(/examples\/osv \(3 records\)$/);
  });
});
