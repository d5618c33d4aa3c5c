import { complianceFrameworks } from './frameworks';
import { CHECK_CONTROLS } from './mappings';
import {
  checksOfControl,
  complianceFramework,
  controlsOfCheck,
  frameworkRefsOfCheck,
  groupFrameworkRefs,
} from './catalog';

describe('compliance frameworks and mappings', () => {
  it('has the five frameworks, each control once', () => {
    expect(complianceFrameworks.map(f => f.id)).toEqual([
      'owasp-cicd-top10',
      'openssf-scorecard',
      'osps-baseline',
      'slsa-build',
      'nist-ssdf',
    ]);
    for (const f of complianceFrameworks) {
      const ids = f.controls.map(c => c.id);
      expect(new Set(ids).size).toBe(ids.length);
    }
  });

  it('lists all ten OWASP CI/CD risks and every OpenSSF Scorecard check', () => {
    expect(
      complianceFramework('owasp-cicd-top10').controls.map(c => c.id),
    ).toEqual(Array.from({ length: 10 }, (_, i) => `CICD-SEC-${i + 1}`));
    expect(
      complianceFramework('openssf-scorecard').controls.map(c => c.id),
    ).toEqual([
      'Binary-Artifacts',
      'Branch-Protection',
      'CI-Tests',
      'CII-Best-Practices',
      'Code-Review',
      'Contributors',
      'Dangerous-Workflow',
      'Dependency-Update-Tool',
      'Fuzzing',
      'License',
      'Maintained',
      'Packaging',
      'Pinned-Dependencies',
      'SAST',
      'SBOM',
      'Security-Policy',
      'Signed-Releases',
      'Token-Permissions',
      'Vulnerabilities',
      'Webhooks',
    ]);
  });

  it('uses the frameworks\u2019 own id formats', () => {
    for (const c of complianceFramework('osps-baseline').controls) {
      expect(c.id).toMatch(/^OSPS-(AC|BR|DO|GV|LE|QA|SA|VM)-\d\d\.\d\d$/);
    }
    for (const c of complianceFramework('nist-ssdf').controls) {
      expect(c.id).toMatch(/^(PO|PS|PW|RV)\.\d$/);
    }
    for (const c of complianceFramework('slsa-build').controls) {
      expect(c.id).toMatch(/^Build-L[123]-/);
    }
  });

  it('maps every check to controls that exist', () => {
    const unknown: string[] = [];
    for (const [checkId, mapping] of Object.entries(CHECK_CONTROLS)) {
      expect(checkId).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const [framework, controls] of Object.entries(mapping)) {
        const known = complianceFramework(framework as any).controls;
        for (const control of controls ?? []) {
          const c = known.find(k => k.id === control);
          if (!c) unknown.push(`${checkId} -> ${framework}:${control}`);
          else if (c.notAssessable)
            unknown.push(
              `${checkId} -> ${framework}:${control} is marked not assessable`,
            );
        }
      }
    }
    expect(unknown).toEqual([]);
  });

  it.each(complianceFrameworks.map(f => [f.id]))(
    'covers every control of %s or says why it cannot be assessed',
    id => {
      const framework = complianceFramework(id as any);
      const uncovered = framework.controls
        .filter(
          c =>
            !c.notAssessable &&
            checksOfControl(framework.id, c.id).length === 0,
        )
        .map(c => c.id);
      expect(uncovered).toEqual([]);
      for (const c of framework.controls.filter(x => x.notAssessable)) {
        expect(c.notAssessable!.length).toBeGreaterThan(20);
      }
    },
  );

  it('answers both ways and builds the metadata refs', () => {
    expect(checksOfControl('openssf-scorecard', 'Signed-Releases')).toEqual([
      'build-provenance',
    ]);
    expect(controlsOfCheck('build-provenance')).toContainEqual({
      framework: 'slsa-build',
      control: 'Build-L1-Provenance',
    });
    expect(frameworkRefsOfCheck('license-present')).toEqual([
      { framework: 'openssf-scorecard', control: 'License' },
      { framework: 'osps', control: 'OSPS-LE-03.01' },
    ]);
    expect(controlsOfCheck('no-such-check')).toEqual([]);
    expect(() => complianceFramework('nope' as any)).toThrow(
      /Unknown compliance framework 'nope'/,
    );
  });
});

describe('groupFrameworkRefs', () => {
  it('groups a check\u2019s frameworks for display, compliance first, with titles and links', () => {
    expect(
      groupFrameworkRefs([
        { framework: 'zizmor', control: 'unpinned-uses' },
        ...frameworkRefsOfCheck('unpinned-actions'),
        { framework: 'zizmor', control: 'stale-action-refs' },
      ]),
    ).toEqual([
      {
        framework: 'owasp-cicd-top10',
        complianceFramework: 'owasp-cicd-top10',
        title: 'OWASP Top 10 CI/CD Security Risks',
        version: '2022',
        url: 'https://owasp.org/www-project-top-10-ci-cd-security-risks/',
        controls: [
          {
            id: 'CICD-SEC-3',
            title: 'Dependency Chain Abuse',
            url: 'https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-03-Dependency-Chain-Abuse',
          },
          {
            id: 'CICD-SEC-8',
            title: 'Ungoverned Usage of 3rd Party Services',
            url: 'https://owasp.org/www-project-top-10-ci-cd-security-risks/CICD-SEC-08-Ungoverned-Usage-of-3rd-Party-Services',
          },
        ],
      },
      {
        framework: 'openssf-scorecard',
        complianceFramework: 'openssf-scorecard',
        title: 'OpenSSF Scorecard',
        version: 'v5',
        url: 'https://github.com/ossf/scorecard/blob/main/docs/checks.md',
        controls: [
          {
            id: 'Pinned-Dependencies',
            title: 'Dependencies are pinned',
            url: 'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
          },
        ],
      },
      {
        framework: 'nist-ssdf',
        complianceFramework: 'nist-ssdf',
        title: 'NIST Secure Software Development Framework (SP 800-218)',
        version: '1.1',
        url: 'https://csrc.nist.gov/pubs/sp/800/218/final',
        controls: [
          {
            id: 'PW.4',
            title:
              'Reuse existing, well-secured software when feasible instead of duplicating functionality',
          },
        ],
      },
      {
        framework: 'zizmor',
        title: 'zizmor',
        controls: [{ id: 'unpinned-uses' }, { id: 'stale-action-refs' }],
      },
    ]);
  });

  it('keeps a control it does not know, without a title', () => {
    expect(
      groupFrameworkRefs([{ framework: 'slsa', control: 'Build L4' }]),
    ).toEqual([expect.objectContaining({ controls: [{ id: 'Build L4' }] })]);
  });
});
