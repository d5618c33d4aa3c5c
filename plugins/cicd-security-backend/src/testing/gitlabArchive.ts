import { gzipSync } from 'zlib';

/*
 * A minimal ustar writer for tests: `git archive` output as GitLab serves it,
 * with the pax global header carrying the commit id and a
 * `<repo>-<ref>-<sha>/` top folder. Used by the fake GitLab servers that
 * Backstage's real GitLab UrlReader reads in the tests.
 */

function tarHeader(name: string, size: number, type: string): Buffer {
  const header = Buffer.alloc(512, 0);
  const field = (value: string, offset: number, length: number) =>
    header.write(value, offset, length, 'utf8');
  const octal = (value: number, offset: number, length: number) =>
    field(`${value.toString(8).padStart(length - 1, '0')}\0`, offset, length);
  field(name, 0, 100);
  octal(type === '5' ? 0o775 : 0o664, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(size, 124, 12);
  octal(1_700_000_000, 136, 12);
  field('        ', 148, 8);
  field(type, 156, 1);
  field('ustar\0', 257, 6);
  field('00', 263, 2);
  field('root', 265, 32);
  field('root', 297, 32);
  let sum = 0;
  for (const byte of header) sum += byte;
  field(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8);
  return header;
}

function tarEntry(name: string, content: Buffer, type = '0'): Buffer[] {
  const padding = Buffer.alloc((512 - (content.length % 512)) % 512, 0);
  return [tarHeader(name, content.length, type), content, padding];
}

/** The .tar.gz GitLab serves for `repo` at commit `sha` holding `files`. */
export function gitlabArchive(
  repo: string,
  files: Record<string, string | Buffer>,
  sha: string,
): Buffer {
  const top = `${repo}-main-${sha}/`;
  const record = `comment=${sha}\n`;
  // A pax record is "<length> <key>=<value>\n", the length counting itself.
  let length = record.length + 3;
  if (`${length} ${record}`.length !== length) length += 1;
  const parts: Buffer[] = [
    ...tarEntry('pax_global_header', Buffer.from(`${length} ${record}`), 'g'),
    ...tarEntry(top, Buffer.alloc(0), '5'),
  ];
  const dirs = new Set<string>();
  for (const [file, content] of Object.entries(files)) {
    const segments = file.split('/').slice(0, -1);
    for (let i = 1; i <= segments.length; i++) {
      const dir = `${segments.slice(0, i).join('/')}/`;
      if (!dirs.has(dir)) {
        dirs.add(dir);
        parts.push(...tarEntry(`${top}${dir}`, Buffer.alloc(0), '5'));
      }
    }
    parts.push(...tarEntry(`${top}${file}`, Buffer.from(content)));
  }
  parts.push(Buffer.alloc(1024, 0));
  return gzipSync(Buffer.concat(parts));
}
