import { execFileSync } from 'child_process';
import fs from 'fs';
import os from 'os';
import path from 'path';
import { LocalDirectorySnapshot } from './LocalDirectorySnapshot';

function hasMkfifo(): boolean {
  if (process.platform === 'win32') return false;
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    // BSD mkfifo has no --version; try creating one.
    const probe = path.join(os.tmpdir(), `cicd-fifo-probe-${process.pid}`);
    try {
      execFileSync('mkfifo', [probe], { stdio: 'ignore' });
      fs.rmSync(probe, { force: true });
      return true;
    } catch {
      return false;
    }
  }
}

const itWithFifo = hasMkfifo() ? it : it.skip;

describe('LocalDirectorySnapshot and special files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-fifo-'));
    fs.mkdirSync(path.join(dir, '.github/workflows'), { recursive: true });
    fs.writeFileSync(
      path.join(dir, '.github/workflows/ok.yml'),
      'on: push\njobs: {}\n',
    );
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  itWithFifo('does not list a symbolic link to a FIFO, and notes why', () => {
    execFileSync('mkfifo', [path.join(dir, 'pipe')]);
    fs.symlinkSync('../../pipe', path.join(dir, '.github/workflows/ci.yml'));
    const snapshot = LocalDirectorySnapshot.create(dir);
    expect(snapshot.files()).toEqual(['.github/workflows/ok.yml']);
    expect(snapshot.problems).toContainEqual(
      expect.objectContaining({
        file: '.github/workflows/ci.yml',
        kind: 'skipped-file',
        message: expect.stringMatching(/not a regular file/),
      }),
    );
    // Reading it anyway (it is not listed) never blocks.
    expect(snapshot.read('.github/workflows/ci.yml')).toBeUndefined();
  });

  itWithFifo('never blocks on a file that became a FIFO after listing', () => {
    const file = path.join(dir, '.github/workflows/ok.yml');
    const snapshot = LocalDirectorySnapshot.create(dir);
    fs.rmSync(file);
    execFileSync('mkfifo', [file]);
    // A blocking open would hang here until the test times out.
    expect(snapshot.read('.github/workflows/ok.yml')).toBeUndefined();
    expect(snapshot.problems).toContainEqual(
      expect.objectContaining({
        file: '.github/workflows/ok.yml',
        message: expect.stringMatching(/not a regular file/),
      }),
    );
  });

  it('does not read a file that became a link out of the repository after listing', () => {
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), 'cicd-outside-'));
    fs.writeFileSync(path.join(outside, 'secret.txt'), 'outside text\n');
    const snapshot = LocalDirectorySnapshot.create(dir);
    const file = path.join(dir, '.github/workflows/ok.yml');
    fs.rmSync(file);
    fs.symlinkSync(path.join(outside, 'secret.txt'), file);
    expect(snapshot.read('.github/workflows/ok.yml')).toBeUndefined();
    expect(snapshot.problems).toContainEqual(
      expect.objectContaining({
        file: '.github/workflows/ok.yml',
        message: 'no longer inside the repository (not read)',
      }),
    );
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('reads a file that became a link inside the repository, and listed links', () => {
    fs.writeFileSync(path.join(dir, 'real.yml'), 'on: pull_request\n');
    fs.symlinkSync('real.yml', path.join(dir, 'listed-link.yml'));
    const snapshot = LocalDirectorySnapshot.create(dir);
    const file = path.join(dir, '.github/workflows/ok.yml');
    fs.rmSync(file);
    fs.symlinkSync(path.join(dir, 'real.yml'), file);
    expect(snapshot.read('.github/workflows/ok.yml')).toBe(
      'on: pull_request\n',
    );
    expect(snapshot.read('listed-link.yml')).toBe('on: pull_request\n');
  });

  it('reads a large file whole up to the cap the reader asks for', () => {
    const big = 'a'.repeat(3 * 1024 * 1024);
    fs.writeFileSync(path.join(dir, 'package-lock.json'), big);
    const snapshot = LocalDirectorySnapshot.create(dir);
    // Past the per-file cap for text…
    expect(snapshot.read('package-lock.json')).toBeUndefined();
    // …but whole for a reader of large files with a larger cap, not cut at the text cap.
    expect(
      snapshot.readLarge('package-lock.json', 8 * 1024 * 1024)?.length,
    ).toBe(big.length);
    expect(
      snapshot.readLarge('package-lock.json', 1024 * 1024),
    ).toBeUndefined();
  });
});
