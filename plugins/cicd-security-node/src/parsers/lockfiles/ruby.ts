import { LockfileInput } from './manifests';
import { textLines } from './go';

/**
 * Gemfile.lock: gems of `GEM` sections (`    name (1.2.3)` under `specs:`,
 * four spaces; six spaces are that gem's own dependencies). Gems from `GIT`
 * and `PATH` sources are not from the registry and are left out. The
 * `DEPENDENCIES` section lists the direct ones.
 */
export function parseGemfileLock({ text, out }: LockfileInput): void {
  let section = '';
  const gems: Array<{ name: string; version: string; line: number }> = [];
  const direct = new Set<string>();
  const seen = new Set<string>();
  for (const [raw, line] of textLines(text)) {
    if (!raw.trim()) continue;
    if (!raw.startsWith(' ')) {
      section = raw.trim();
      continue;
    }
    if (section === 'DEPENDENCIES' && raw.startsWith('  ') && raw[2] !== ' ') {
      const name = raw.trim().split(' ')[0].replace(/!$/, '');
      if (name) direct.add(name);
      continue;
    }
    if (section !== 'GEM' || !raw.startsWith('    ') || raw[4] === ' ') {
      continue;
    }
    const entry = raw.trim();
    const open = entry.indexOf(' (');
    if (open === -1 || !entry.endsWith(')')) {
      out.problem('expected `name (version)`', line, 5);
      continue;
    }
    const name = entry.slice(0, open);
    // A platform gem: `nokogiri (1.16.0-x86_64-linux)`.
    const full = entry.slice(open + 2, -1);
    const dash = full.indexOf('-');
    const version = dash === -1 ? full : full.slice(0, dash);
    if (!name || !version || seen.has(`${name}@${version}`)) continue;
    seen.add(`${name}@${version}`);
    gems.push({ name, version, line });
  }
  for (const g of gems) {
    const added = out.add({
      ecosystem: 'RubyGems',
      name: g.name,
      version: g.version,
      exact: true,
      direct: direct.has(g.name),
      line: g.line,
    });
    if (!added) return;
  }
}
