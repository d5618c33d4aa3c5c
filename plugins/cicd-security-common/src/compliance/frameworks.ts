import type { ComplianceFramework, FrameworkControl } from './types';

/*
 * The controls of each compliance framework, written from the frameworks' own
 * documentation. A control that no check can assess from CI/CD data carries
 * `notAssessable` with the reason; every other control is evidenced by at
 * least one check in `./mappings.ts` (a test keeps both true).
 */

const SCORECARD_DOCS =
  'https://github.com/ossf/scorecard/blob/main/docs/checks.md';
const scorecard = (
  id: string,
  title: string,
  notAssessable?: string,
): FrameworkControl => ({
  id,
  title,
  url: `${SCORECARD_DOCS}#${id.toLowerCase()}`,
  ...(notAssessable ? { notAssessable } : {}),
});

const DOCUMENTATION =
  'asks for project documentation or a written policy, which is not CI/CD data';
const orgSetting = (what: string) =>
  `${what} is a setting of the organisation or the SCM account that the scan does not read`;
const RELEASES =
  'is a property of published releases and their assets, which the scan does not download';

const OWASP = 'https://owasp.org/www-project-top-10-ci-cd-security-risks/';

export const OWASP_CICD_TOP10: ComplianceFramework = {
  id: 'owasp-cicd-top10',
  metadataId: 'owasp-cicd-top10',
  title: 'OWASP Top 10 CI/CD Security Risks',
  version: '2022',
  url: OWASP,
  controls: [
    {
      id: 'CICD-SEC-1',
      url: `${OWASP}CICD-SEC-01-Insufficient-Flow-Control-Mechanisms`,
      title: 'Insufficient Flow Control Mechanisms',
    },
    {
      id: 'CICD-SEC-2',
      url: `${OWASP}CICD-SEC-02-Inadequate-Identity-And-Access-Management`,
      title: 'Inadequate Identity and Access Management',
    },
    {
      id: 'CICD-SEC-3',
      url: `${OWASP}CICD-SEC-03-Dependency-Chain-Abuse`,
      title: 'Dependency Chain Abuse',
    },
    {
      id: 'CICD-SEC-4',
      url: `${OWASP}CICD-SEC-04-Poisoned-Pipeline-Execution`,
      title: 'Poisoned Pipeline Execution (PPE)',
    },
    {
      id: 'CICD-SEC-5',
      url: `${OWASP}CICD-SEC-05-Insufficient-PBAC`,
      title: 'Insufficient PBAC (Pipeline-Based Access Controls)',
    },
    {
      id: 'CICD-SEC-6',
      url: `${OWASP}CICD-SEC-06-Insufficient-Credential-Hygiene`,
      title: 'Insufficient Credential Hygiene',
    },
    {
      id: 'CICD-SEC-7',
      url: `${OWASP}CICD-SEC-07-Insecure-System-Configuration`,
      title: 'Insecure System Configuration',
    },
    {
      id: 'CICD-SEC-8',
      url: `${OWASP}CICD-SEC-08-Ungoverned-Usage-of-3rd-Party-Services`,
      title: 'Ungoverned Usage of 3rd Party Services',
    },
    {
      id: 'CICD-SEC-9',
      url: `${OWASP}CICD-SEC-09-Improper-Artifact-Integrity-Validation`,
      title: 'Improper Artifact Integrity Validation',
    },
    {
      id: 'CICD-SEC-10',
      url: `${OWASP}CICD-SEC-10-Insufficient-Logging-And-Visibility`,
      title: 'Insufficient Logging and Visibility',
      notAssessable:
        'audit logs of the SCM, CI and artifact systems, their retention and their shipping to a central place are platform settings the scan does not read',
    },
  ],
};

export const OPENSSF_SCORECARD: ComplianceFramework = {
  id: 'openssf-scorecard',
  metadataId: 'openssf-scorecard',
  title: 'OpenSSF Scorecard',
  version: 'v5',
  url: SCORECARD_DOCS,
  controls: [
    scorecard(
      'Binary-Artifacts',
      'No generated executable artifacts in the repository',
    ),
    scorecard(
      'Branch-Protection',
      'Default and release branches are protected',
    ),
    scorecard('CI-Tests', 'Tests run before pull requests are merged'),
    scorecard(
      'CII-Best-Practices',
      'OpenSSF Best Practices badge',
      'the badge is awarded on bestpractices.dev, outside the repository and its pipelines',
    ),
    scorecard('Code-Review', 'Changes are reviewed before they are merged'),
    scorecard(
      'Contributors',
      'Contributors from several organisations',
      "the contributors' affiliations are not CI/CD data",
    ),
    scorecard(
      'Dangerous-Workflow',
      'No dangerous coding patterns in workflows',
    ),
    scorecard(
      'Dependency-Update-Tool',
      'A dependency update tool is configured',
    ),
    scorecard(
      'Fuzzing',
      'The project is fuzzed',
      'no check looks for fuzzing (OSS-Fuzz, ClusterFuzzLite, language fuzzers): fuzzing runs are not recognised in the pipelines',
    ),
    scorecard('License', 'The project declares a license'),
    scorecard('Maintained', 'The project is actively maintained'),
    scorecard(
      'Packaging',
      'The project publishes packages from CI',
      'no check grades publishing itself; build-provenance only uses publishing steps to find the pipelines that need provenance',
    ),
    scorecard('Pinned-Dependencies', 'Dependencies are pinned'),
    scorecard('SAST', 'Static analysis runs on the code'),
    scorecard('SBOM', 'The project publishes an SBOM'),
    scorecard('Security-Policy', 'The project has a security policy'),
    scorecard('Signed-Releases', 'Releases are signed'),
    scorecard('Token-Permissions', 'Workflow tokens follow least privilege'),
    scorecard('Vulnerabilities', 'No open known vulnerabilities'),
    scorecard('Webhooks', 'Webhooks are authenticated'),
  ],
};

export const OSPS_BASELINE: ComplianceFramework = {
  id: 'osps-baseline',
  metadataId: 'osps',
  title: 'OpenSSF OSPS Baseline',
  version: '2025-10-10',
  url: 'https://baseline.openssf.org/',
  controls: [
    {
      id: 'OSPS-AC-01.01',
      title:
        'Multi-factor authentication to access sensitive resources in the version control system',
      notAssessable: orgSetting('Multi-factor authentication enforcement'),
    },
    {
      id: 'OSPS-AC-02.01',
      title:
        'New collaborators get manual or lowest-privilege permissions by default',
      notAssessable: orgSetting("The collaborators' base permission"),
    },
    {
      id: 'OSPS-AC-03.01',
      title: 'Direct commits to the primary branch are prevented',
    },
    {
      id: 'OSPS-AC-03.02',
      title: 'Deleting the primary branch requires explicit confirmation',
    },
    {
      id: 'OSPS-AC-04.01',
      title:
        'CI/CD tasks without declared permissions get the lowest permissions',
    },
    {
      id: 'OSPS-AC-04.02',
      title: 'CI/CD jobs are assigned only the minimum privileges they need',
    },
    {
      id: 'OSPS-BR-01.01',
      title: 'CI/CD input parameters are sanitized and validated before use',
    },
    {
      id: 'OSPS-BR-01.02',
      title: 'Branch names are sanitized and validated before use in pipelines',
    },
    {
      id: 'OSPS-BR-02.01',
      title: 'Each official release has a unique version identifier',
      notAssessable: `release versioning ${RELEASES}`,
    },
    {
      id: 'OSPS-BR-02.02',
      title: 'Release assets are associated with the release identifier',
      notAssessable: `the naming of release assets ${RELEASES}`,
    },
    {
      id: 'OSPS-BR-03.01',
      title:
        'Official project channels are delivered over encrypted channels only',
      notAssessable:
        'the channels a project lists (website, documentation, chat) are not read by the scan',
    },
    {
      id: 'OSPS-BR-03.02',
      title:
        'Official distribution channels are delivered over encrypted channels only',
    },
    {
      id: 'OSPS-BR-04.01',
      title:
        'Releases contain a descriptive log of functional and security changes',
      notAssessable: `the change log ${RELEASES}`,
    },
    {
      id: 'OSPS-BR-05.01',
      title: 'Pipelines ingest dependencies with standardized tooling',
    },
    {
      id: 'OSPS-BR-06.01',
      title: 'Releases are signed or listed in a signed manifest with hashes',
    },
    {
      id: 'OSPS-BR-07.01',
      title: 'Unencrypted secrets are not stored in the version control system',
    },
    {
      id: 'OSPS-BR-07.02',
      title: 'A policy defines how secrets and credentials are managed',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    ...[
      ['OSPS-DO-01.01', 'User guides for all basic functionality'],
      ['OSPS-DO-02.01', 'A guide for reporting defects'],
      [
        'OSPS-DO-03.01',
        'Instructions to verify the integrity and authenticity of release assets',
      ],
      [
        'OSPS-DO-03.02',
        'Instructions to verify the identity of the release author',
      ],
      ['OSPS-DO-04.01', 'Scope and duration of support for each release'],
      ['OSPS-DO-05.01', 'When releases stop receiving security updates'],
      [
        'OSPS-DO-06.01',
        'How the project selects, obtains and tracks its dependencies',
      ],
      [
        'OSPS-GV-01.01',
        'The members with access to sensitive resources are listed',
      ],
      [
        'OSPS-GV-01.02',
        'The roles and responsibilities of members are described',
      ],
      [
        'OSPS-GV-02.01',
        'Public discussion of proposed changes and usage obstacles',
      ],
      ['OSPS-GV-03.01', 'The contribution process is explained'],
      [
        'OSPS-GV-03.02',
        'A contributor guide states the requirements for acceptable contributions',
      ],
      [
        'OSPS-GV-04.01',
        'Collaborators are reviewed before they get escalated permissions',
      ],
    ].map(([id, title]) => ({
      id,
      title,
      notAssessable: `the control ${DOCUMENTATION}`,
    })),
    {
      id: 'OSPS-LE-01.01',
      title:
        'Contributors assert they are legally authorized to contribute, on every commit',
      notAssessable: 'no check reads commit sign-offs (DCO) or CLA enforcement',
    },
    {
      id: 'OSPS-LE-02.01',
      title: 'The source code license meets the OSI or FSF definition',
      notAssessable:
        'license-present checks that a license file exists, not which license it is',
    },
    {
      id: 'OSPS-LE-02.02',
      title: 'The license of released assets meets the OSI or FSF definition',
      notAssessable: `the license of released assets ${RELEASES}`,
    },
    {
      id: 'OSPS-LE-03.01',
      title: 'The source code license is in LICENSE, COPYING or LICENSE/',
    },
    {
      id: 'OSPS-LE-03.02',
      title: 'The license is shipped with the released assets',
      notAssessable: `the content of released assets ${RELEASES}`,
    },
    {
      id: 'OSPS-QA-01.01',
      title: 'The source code repository is publicly readable at a static URL',
      notAssessable:
        'repository visibility is not graded: the scan reads private and public repositories alike',
    },
    {
      id: 'OSPS-QA-01.02',
      title:
        'The version control system keeps a public record of all changes, who made them and when',
      notAssessable:
        'repository visibility and history rewriting are not graded by any check',
    },
    {
      id: 'OSPS-QA-02.01',
      title: 'The repository contains a list of the direct dependencies',
    },
    {
      id: 'OSPS-QA-02.02',
      title: 'Compiled release assets are delivered with an SBOM',
    },
    {
      id: 'OSPS-QA-03.01',
      title:
        'Automated status checks must pass, or be bypassed manually, before merge',
    },
    {
      id: 'OSPS-QA-04.01',
      title: 'The documentation lists the subproject repositories',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    {
      id: 'OSPS-QA-04.02',
      title:
        'Subprojects enforce security requirements as strict as the primary codebase',
      notAssessable:
        'the scan grades each repository on its own; comparing a project with its subprojects needs the list of subprojects',
    },
    {
      id: 'OSPS-QA-05.01',
      title: 'No generated executable artifacts in the version control system',
    },
    {
      id: 'OSPS-QA-05.02',
      title: 'No unreviewable binary artifacts in the version control system',
    },
    {
      id: 'OSPS-QA-06.01',
      title:
        'CI runs at least one automated test suite before a change is accepted',
    },
    {
      id: 'OSPS-QA-06.02',
      title: 'The documentation says when and how tests are run',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    {
      id: 'OSPS-QA-06.03',
      title: 'A policy asks major changes to add or update tests',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    {
      id: 'OSPS-QA-07.01',
      title:
        'At least one non-author human approval before merging to the primary branch',
    },
    ...[
      [
        'OSPS-SA-01.01',
        'Design documentation of all actions and actors in the system',
      ],
      ['OSPS-SA-02.01', 'Descriptions of all external software interfaces'],
      [
        'OSPS-SA-03.01',
        'A security assessment of the most likely and impactful problems',
      ],
      ['OSPS-SA-03.02', 'Threat modeling and attack surface analysis'],
    ].map(([id, title]) => ({
      id,
      title,
      notAssessable: `the control ${DOCUMENTATION}`,
    })),
    {
      id: 'OSPS-VM-01.01',
      title:
        'A coordinated vulnerability disclosure policy with a response timeframe',
    },
    {
      id: 'OSPS-VM-02.01',
      title: 'The documentation contains security contacts',
    },
    {
      id: 'OSPS-VM-03.01',
      title:
        'A means to report vulnerabilities privately to the security contacts',
    },
    {
      id: 'OSPS-VM-04.01',
      title: 'Data about discovered vulnerabilities is published',
      notAssessable:
        'published advisories (CVE entries, security advisories) are not read by the scan',
    },
    {
      id: 'OSPS-VM-04.02',
      title:
        'Vulnerabilities that do not affect the project are accounted for in a VEX document',
      notAssessable: 'no check looks for VEX documents',
    },
    {
      id: 'OSPS-VM-05.01',
      title: 'A policy defines a remediation threshold for SCA findings',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    {
      id: 'OSPS-VM-05.02',
      title: 'A policy addresses SCA violations before any release',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    {
      id: 'OSPS-VM-05.03',
      title:
        'Changes are automatically evaluated for vulnerable and malicious dependencies',
    },
    {
      id: 'OSPS-VM-06.01',
      title: 'A policy defines a remediation threshold for SAST findings',
      notAssessable: `the control ${DOCUMENTATION}`,
    },
    {
      id: 'OSPS-VM-06.02',
      title:
        'Changes are automatically evaluated for security weaknesses and blocked on violations',
    },
  ],
};

const SLSA_LEVELS = 'https://slsa.dev/spec/v1.0/levels';
const SLSA_REQUIREMENTS = 'https://slsa.dev/spec/v1.0/requirements';

export const SLSA_BUILD: ComplianceFramework = {
  id: 'slsa-build',
  metadataId: 'slsa',
  title: 'SLSA Build Track',
  version: 'v1.0',
  url: SLSA_LEVELS,
  controls: [
    {
      id: 'Build-L1-Provenance',
      title: 'Build L1: provenance exists, showing how the artifact was built',
      url: `${SLSA_LEVELS}#build-l1`,
    },
    {
      id: 'Build-L2-Hosted',
      title: 'Build L2: builds run on a hosted build platform',
      url: `${SLSA_LEVELS}#build-l2`,
      notAssessable:
        'no check grades where builds run; the SLSA estimate takes publishing from CI pipelines as a hosted build',
    },
    {
      id: 'Build-L2-Signed-Provenance',
      title: 'Build L2: provenance is authentic, signed by the build platform',
      url: `${SLSA_REQUIREMENTS}#provenance-authentic`,
    },
    {
      id: 'Build-L3-Isolated',
      title:
        'Build L3: builds are isolated from one another (no shared caches, runners or controller)',
      url: `${SLSA_REQUIREMENTS}#isolated`,
    },
    {
      id: 'Build-L3-Unforgeable-Provenance',
      title:
        'Build L3: provenance is unforgeable, its signing keys out of reach of user-defined build steps',
      url: `${SLSA_REQUIREMENTS}#provenance-unforgeable`,
      notAssessable:
        'whether the signing material is out of reach of the build steps depends on how the build platform generates provenance (a trusted reusable workflow or the platform itself), which the checks do not tell apart',
    },
  ],
};

const ssdfNotCicd = (what: string) => `${what}, which is not CI/CD data`;

export const NIST_SSDF: ComplianceFramework = {
  id: 'nist-ssdf',
  metadataId: 'nist-ssdf',
  title: 'NIST Secure Software Development Framework (SP 800-218)',
  version: '1.1',
  url: 'https://csrc.nist.gov/pubs/sp/800/218/final',
  controls: [
    {
      id: 'PO.1',
      title: 'Define security requirements for software development',
      notAssessable: ssdfNotCicd(
        'the practice is about written requirements and policies',
      ),
    },
    {
      id: 'PO.2',
      title: 'Implement roles and responsibilities',
      notAssessable: ssdfNotCicd(
        'the practice is about roles, training and management commitment',
      ),
    },
    { id: 'PO.3', title: 'Implement supporting toolchains' },
    {
      id: 'PO.4',
      title: 'Define and use criteria for software security checks',
    },
    {
      id: 'PO.5',
      title:
        'Implement and maintain secure environments for software development',
    },
    {
      id: 'PS.1',
      title: 'Protect all forms of code from unauthorized access and tampering',
    },
    {
      id: 'PS.2',
      title: 'Provide a mechanism for verifying software release integrity',
    },
    { id: 'PS.3', title: 'Archive and protect each software release' },
    {
      id: 'PW.1',
      title:
        'Design software to meet security requirements and mitigate security risks',
      notAssessable: ssdfNotCicd(
        'the practice is about design and risk modelling',
      ),
    },
    {
      id: 'PW.2',
      title:
        'Review the software design to verify compliance with security requirements and risk information',
      notAssessable: ssdfNotCicd('the practice is about design reviews'),
    },
    // PW.3 was folded into PW.4 in SSDF 1.1.
    {
      id: 'PW.4',
      title:
        'Reuse existing, well-secured software when feasible instead of duplicating functionality',
    },
    {
      id: 'PW.5',
      title: 'Create source code by adhering to secure coding practices',
    },
    {
      id: 'PW.6',
      title:
        'Configure the compilation, interpreter and build processes to improve executable security',
    },
    {
      id: 'PW.7',
      title:
        'Review and/or analyze human-readable code to identify vulnerabilities',
    },
    { id: 'PW.8', title: 'Test executable code to identify vulnerabilities' },
    {
      id: 'PW.9',
      title: 'Configure software to have secure settings by default',
      notAssessable: ssdfNotCicd(
        "the practice is about the product's own default settings",
      ),
    },
    {
      id: 'RV.1',
      title: 'Identify and confirm vulnerabilities on an ongoing basis',
    },
    { id: 'RV.2', title: 'Assess, prioritize and remediate vulnerabilities' },
    {
      id: 'RV.3',
      title: 'Analyze vulnerabilities to identify their root causes',
      notAssessable: ssdfNotCicd(
        'the practice is about root-cause analysis after the fact',
      ),
    },
  ],
};

/** Every compliance framework the checks are mapped to. */
export const complianceFrameworks: ComplianceFramework[] = [
  OWASP_CICD_TOP10,
  OPENSSF_SCORECARD,
  OSPS_BASELINE,
  SLSA_BUILD,
  NIST_SSDF,
];
