import fs from 'fs';
import path from 'path';
import { builtinChecks } from '../checks';
import { createScorecardCheck, outcome } from '../checks/types';
import { readCheckGuide } from '../guides';
import { CheckRegistry } from './CheckRegistry';

const GUIDES = path.resolve(__dirname, '../../guides');
const FIXTURES = path.resolve(__dirname, '../checks/__fixtures__');

/**
 * Checks with no counterpart in the OWASP Top 10 CI/CD Security Risks; they map
 * to OpenSSF Scorecard / OSPS only, as the check catalogue does.
 */
const NO_OWASP_COUNTERPART = new Set([
  'security-policy', // vulnerability disclosure process (Scorecard Security-Policy, OSPS-VM-02.01)
  'sast-configured', // code analysis of the product, not of the pipeline (Scorecard SAST)
  'sast-on-pull-requests', // when SAST runs (Scorecard SAST)
  'tests-on-pull-requests', // tests on pull requests (Scorecard CI-Tests)
  'license-present', // licensing (Scorecard License, OSPS-LE-03.01)
  'committed-binaries', // reviewable source (Scorecard Binary-Artifacts, OSPS-QA-05.01)
  'open-code-scanning-alerts', // open alerts in the product's code (Scorecard SAST)
]);

const fake = (id: string) =>
  createScorecardCheck({
    id,
    title: id,
    description: id,
    category: 'compliance',
    severity: 'low',
    platforms: ['repository'],
    frameworks: [],
    run: () => outcome.pass(),
  });

describe('CheckRegistry', () => {
  it('rejects duplicate and malformed ids', () => {
    expect(() => new CheckRegistry([fake('a-b'), fake('a-b')])).toThrow(
      /Duplicate check id 'a-b'/,
    );
    expect(() => new CheckRegistry([fake('Not_Kebab')])).toThrow(/kebab-case/);
  });

  it('selects and skips checks, refusing unknown ids', () => {
    const r = new CheckRegistry([fake('a'), fake('b'), fake('c')]);
    expect(r.select({ only: ['a', 'c'] }).ids()).toEqual(['a', 'c']);
    expect(r.select({ skip: ['a'] }).ids()).toEqual(['b', 'c']);
    expect(() => r.select({ only: ['nope'] })).toThrow(
      /Unknown check id 'nope'/,
    );
  });

  it('exposes metadata without functions', () => {
    const [meta] = new CheckRegistry([fake('a')]).metadata();
    expect(meta).toMatchObject({
      id: 'a',
      docsPath: 'plugins/cicd-security-node/guides/a.md',
    });
    expect((meta as any).run).toBeUndefined();
  });
});

describe('built-in checks', () => {
  const registry = new CheckRegistry(builtinChecks);

  it('are all listed in the guide index (regenerate with node scripts/check-index.js)', () => {
    const index = fs.readFileSync(path.join(GUIDES, 'README.md'), 'utf8');
    const missing = registry
      .ids()
      .filter(id => !index.includes(`[\`${id}\`](./${id}.md)`));
    expect(missing).toEqual([]);
  });

  it.each(registry.ids())(
    '%s has a guide page, fixtures and an OWASP mapping',
    id => {
      const check = registry.get(id)!;
      const text = readCheckGuide(id);
      expect(text).toBeDefined();
      for (const heading of [
        '## Why it matters',
        "## How it's checked",
        '## Remediation',
      ]) {
        expect(text).toContain(heading);
      }
      expect(fs.existsSync(path.join(FIXTURES, id))).toBe(true);
      expect(check.frameworks.length).toBeGreaterThan(0);
      expect(
        NO_OWASP_COUNTERPART.has(id) ||
          check.frameworks.some(f => f.framework === 'owasp-cicd-top10'),
      ).toBe(true);
    },
  );
});
