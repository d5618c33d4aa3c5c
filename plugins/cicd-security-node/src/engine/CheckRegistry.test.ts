import fs from 'fs';
import path from 'path';
import {
  CHECK_CONTROLS,
  frameworkRefsOfCheck,
} from '@cicd-security/plugin-cicd-security-common';
import { builtinChecks } from '../checks';
import { createScorecardCheck, outcome } from '../checks/types';
import { readCheckGuide } from '../guides';
import { CheckRegistry } from './CheckRegistry';

const GUIDES = path.resolve(__dirname, '../../guides');
const FIXTURES = path.resolve(__dirname, '../checks/__fixtures__');

/**
 * Checks with no counterpart in the OWASP Top 10 CI/CD Security Risks; they map
 * to OpenSSF Scorecard, OSPS Baseline and NIST SSDF only (see the mappings in
 * plugins/cicd-security-common/src/compliance/mappings.ts).
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

  it('takes compliance mappings from the common mappings, not from the definition', () => {
    expect(fake('license-present').frameworks).toEqual(
      frameworkRefsOfCheck('license-present'),
    );
    expect(() =>
      createScorecardCheck({
        ...fake('license-present'),
        frameworks: [{ framework: 'osps', control: 'OSPS-LE-03.01' }],
      }),
    ).toThrow(
      "Check 'license-present' lists osps:OSPS-LE-03.01 in its frameworks, but its compliance mappings live in plugins/cicd-security-common/src/compliance/mappings.ts; list them there only",
    );
    // A check the mappings do not know (a backend module's) keeps its own.
    const custom = createScorecardCheck({
      ...fake('vendor-policy'),
      frameworks: [
        { framework: 'owasp-cicd-top10', control: 'CICD-SEC-7' },
        { framework: 'zizmor', control: 'artipacked' },
      ],
    });
    expect(custom.frameworks).toEqual([
      { framework: 'owasp-cicd-top10', control: 'CICD-SEC-7' },
      { framework: 'zizmor', control: 'artipacked' },
    ]);
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

  it('are exactly the checks the compliance mappings map', () => {
    expect([...registry.ids()].sort()).toEqual(
      Object.keys(CHECK_CONTROLS).sort(),
    );
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
      // The portal and `cicd-security explain` show the mappings from the
      // data; a hand-written list in the guide would drift from it.
      expect(text).not.toMatch(/^Frameworks:/m);
      expect(fs.existsSync(path.join(FIXTURES, id))).toBe(true);
      // Compliance controls first, from the mappings; then peer scanners' rules.
      const compliance = frameworkRefsOfCheck(id);
      expect(compliance.length).toBeGreaterThan(0);
      expect(check.frameworks.slice(0, compliance.length)).toEqual(compliance);
      expect(
        check.frameworks
          .slice(compliance.length)
          .every(f => ['zizmor', 'poutine', 'legitify'].includes(f.framework)),
      ).toBe(true);
      expect(
        NO_OWASP_COUNTERPART.has(id) ||
          check.frameworks.some(f => f.framework === 'owasp-cicd-top10'),
      ).toBe(true);
    },
  );
});
