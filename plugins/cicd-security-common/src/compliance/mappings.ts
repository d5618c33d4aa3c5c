import type { ComplianceFrameworkId } from './types';

type CheckMapping = Partial<Record<ComplianceFrameworkId, string[]>>;

/**
 * The compliance controls each built-in check evidences, keyed by check id:
 * the one place these mappings are written. The checks' `frameworks`
 * metadata is built from it (see `frameworkRefsOfCheck`), and peer scanners'
 * rules (zizmor, poutine, Legitify) stay in the checks themselves.
 *
 * A check evidences a control when its result says whether the control holds
 * for the part the check looks at; a control that needs several checks lists
 * each of them.
 */
export const CHECK_CONTROLS: Record<string, CheckMapping> = {
  'hardcoded-secrets': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'osps-baseline': ['OSPS-BR-07.01'],
    'nist-ssdf': ['PW.5'],
  },
  'persisted-checkout-credentials': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'nist-ssdf': ['PO.5'],
  },
  'sast-configured': {
    'openssf-scorecard': ['SAST'],
    'nist-ssdf': ['PW.7'],
  },
  'pipeline-codeowners': {
    'owasp-cicd-top10': ['CICD-SEC-1', 'CICD-SEC-4'],
    'openssf-scorecard': ['Branch-Protection'],
    'nist-ssdf': ['PS.1'],
  },
  'excessive-token-permissions': {
    'owasp-cicd-top10': ['CICD-SEC-5'],
    'openssf-scorecard': ['Token-Permissions'],
    'osps-baseline': ['OSPS-AC-04.02'],
    'nist-ssdf': ['PO.3'],
  },
  'untrusted-checkout': {
    'owasp-cicd-top10': ['CICD-SEC-4'],
    'openssf-scorecard': ['Dangerous-Workflow'],
    'nist-ssdf': ['PO.5'],
  },
  'script-injection': {
    'owasp-cicd-top10': ['CICD-SEC-4'],
    'openssf-scorecard': ['Dangerous-Workflow'],
    'osps-baseline': ['OSPS-BR-01.01', 'OSPS-BR-01.02'],
    'nist-ssdf': ['PW.5'],
  },
  'security-policy': {
    'openssf-scorecard': ['Security-Policy'],
    'osps-baseline': ['OSPS-VM-01.01', 'OSPS-VM-02.01', 'OSPS-VM-03.01'],
    'nist-ssdf': ['RV.1'],
  },
  'download-and-execute': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-9'],
    'openssf-scorecard': ['Pinned-Dependencies'],
    'osps-baseline': ['OSPS-BR-05.01'],
    'nist-ssdf': ['PW.4'],
  },
  'insecure-transport': {
    'owasp-cicd-top10': ['CICD-SEC-7'],
    'osps-baseline': ['OSPS-BR-03.02'],
    'nist-ssdf': ['PW.5'],
  },
  'tls-verification-disabled': {
    'owasp-cicd-top10': ['CICD-SEC-7'],
    'osps-baseline': ['OSPS-BR-03.02'],
    'nist-ssdf': ['PW.5'],
  },
  'unpinned-actions': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-8'],
    'openssf-scorecard': ['Pinned-Dependencies'],
    'nist-ssdf': ['PW.4'],
  },
  'unpinned-images': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'openssf-scorecard': ['Pinned-Dependencies'],
    'nist-ssdf': ['PW.4'],
  },
  'dependency-update-tool': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'openssf-scorecard': ['Dependency-Update-Tool'],
    'nist-ssdf': ['RV.1'],
  },
  'unlocked-dependencies': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'openssf-scorecard': ['Pinned-Dependencies'],
    'osps-baseline': ['OSPS-BR-05.01', 'OSPS-QA-02.01'],
    'nist-ssdf': ['PW.4'],
  },
  'overexposed-secrets': {
    'owasp-cicd-top10': ['CICD-SEC-5'],
    'osps-baseline': ['OSPS-AC-04.02'],
    'nist-ssdf': ['PO.5'],
  },
  'secrets-outside-environment': {
    'owasp-cicd-top10': ['CICD-SEC-5'],
    'nist-ssdf': ['PO.5'],
  },
  'known-vulnerable-actions': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-8'],
    'nist-ssdf': ['PW.4', 'RV.2'],
  },
  'unsound-pipeline-conditions': {
    'owasp-cicd-top10': ['CICD-SEC-4'],
    'nist-ssdf': ['PW.5'],
  },
  'github-env-abuse': {
    'owasp-cicd-top10': ['CICD-SEC-4'],
    'osps-baseline': ['OSPS-BR-01.01'],
    'nist-ssdf': ['PW.5'],
  },
  'spoofable-bot-conditions': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'nist-ssdf': ['PS.1'],
  },
  'self-hosted-runner-on-prs': {
    'owasp-cicd-top10': ['CICD-SEC-7'],
    'slsa-build': ['Build-L3-Isolated'],
    'nist-ssdf': ['PO.5'],
  },
  'cache-poisoning': {
    'owasp-cicd-top10': ['CICD-SEC-4', 'CICD-SEC-9'],
    'slsa-build': ['Build-L3-Isolated'],
    'nist-ssdf': ['PO.5'],
  },
  'untrusted-actions': {
    'owasp-cicd-top10': ['CICD-SEC-8'],
    'nist-ssdf': ['PW.4'],
  },
  'hardcoded-registry-credentials': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'osps-baseline': ['OSPS-BR-07.01'],
    'nist-ssdf': ['PW.5'],
  },
  'ci-debug-logging': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'nist-ssdf': ['PO.3'],
  },
  'long-lived-credentials': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'nist-ssdf': ['PO.5'],
  },
  'jenkins-credential-interpolation': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'nist-ssdf': ['PW.5'],
  },
  'unprotected-deployments': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'nist-ssdf': ['PO.5'],
  },
  'unpinned-shared-pipeline-code': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-4', 'CICD-SEC-8'],
    'nist-ssdf': ['PW.4'],
  },
  'adhoc-tool-installs': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'openssf-scorecard': ['Pinned-Dependencies'],
    'osps-baseline': ['OSPS-BR-05.01'],
    'nist-ssdf': ['PW.4'],
  },
  'unpinned-ci-plugins': {
    'owasp-cicd-top10': ['CICD-SEC-8'],
    'nist-ssdf': ['PO.3'],
  },
  'jenkins-controller-builds': {
    'owasp-cicd-top10': ['CICD-SEC-7'],
    'slsa-build': ['Build-L3-Isolated'],
    'nist-ssdf': ['PO.3'],
  },
  'secret-scanning-enabled': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'osps-baseline': ['OSPS-BR-07.01'],
    'nist-ssdf': ['RV.1'],
  },
  'dependency-alerts-enabled': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'nist-ssdf': ['RV.1'],
  },
  'dependency-scanning-in-ci': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'osps-baseline': ['OSPS-VM-05.03'],
    'nist-ssdf': ['PW.4', 'RV.1'],
  },
  'container-scanning-in-ci': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-9'],
    'nist-ssdf': ['PW.8', 'RV.1'],
  },
  'sast-on-pull-requests': {
    'openssf-scorecard': ['SAST'],
    'osps-baseline': ['OSPS-VM-06.02'],
    'nist-ssdf': ['PW.7'],
  },
  'tests-on-pull-requests': {
    'openssf-scorecard': ['CI-Tests'],
    'osps-baseline': ['OSPS-QA-06.01'],
    'nist-ssdf': ['PW.8'],
  },
  'sbom-generated': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-9'],
    'openssf-scorecard': ['SBOM'],
    'osps-baseline': ['OSPS-QA-02.02'],
    'nist-ssdf': ['PS.3'],
  },
  'build-provenance': {
    'owasp-cicd-top10': ['CICD-SEC-9'],
    'openssf-scorecard': ['Signed-Releases'],
    'osps-baseline': ['OSPS-BR-06.01'],
    'slsa-build': ['Build-L1-Provenance', 'Build-L2-Signed-Provenance'],
    'nist-ssdf': ['PS.2', 'PS.3'],
  },
  'license-present': {
    'openssf-scorecard': ['License'],
    'osps-baseline': ['OSPS-LE-03.01'],
  },
  'committed-binaries': {
    'openssf-scorecard': ['Binary-Artifacts'],
    'osps-baseline': ['OSPS-QA-05.01', 'OSPS-QA-05.02'],
    'nist-ssdf': ['PS.1'],
  },
  'docker-add-without-checksum': {
    'owasp-cicd-top10': ['CICD-SEC-9'],
    'nist-ssdf': ['PW.4'],
  },
  'runner-egress-policy': {
    'owasp-cicd-top10': ['CICD-SEC-5', 'CICD-SEC-7'],
    'nist-ssdf': ['PO.5'],
  },
  'unsafe-dependabot-config': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'nist-ssdf': ['PO.3'],
  },
  'container-build-hygiene': {
    'owasp-cicd-top10': ['CICD-SEC-3', 'CICD-SEC-7'],
    'nist-ssdf': ['PW.6'],
  },
  'default-branch-protected': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'openssf-scorecard': ['Branch-Protection'],
    'osps-baseline': ['OSPS-AC-03.01'],
    'nist-ssdf': ['PS.1'],
  },
  'force-push-blocked': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'openssf-scorecard': ['Branch-Protection'],
    'osps-baseline': ['OSPS-AC-03.02'],
    'nist-ssdf': ['PS.1'],
  },
  'review-required': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'openssf-scorecard': ['Branch-Protection', 'Code-Review'],
    'osps-baseline': ['OSPS-QA-07.01'],
    'nist-ssdf': ['PS.1', 'PW.7'],
  },
  'review-rigour': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'openssf-scorecard': ['Branch-Protection', 'Code-Review'],
    'nist-ssdf': ['PW.7'],
  },
  'status-checks-required': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'openssf-scorecard': ['Branch-Protection'],
    'osps-baseline': ['OSPS-QA-03.01'],
    'nist-ssdf': ['PO.4'],
  },
  'protection-bypass': {
    'owasp-cicd-top10': ['CICD-SEC-1', 'CICD-SEC-2'],
    'openssf-scorecard': ['Branch-Protection'],
    'nist-ssdf': ['PS.1'],
  },
  'signed-commits-required': {
    'owasp-cicd-top10': ['CICD-SEC-9'],
    'nist-ssdf': ['PS.1'],
  },
  'actions-repo-settings': {
    'owasp-cicd-top10': ['CICD-SEC-1', 'CICD-SEC-5'],
    'osps-baseline': ['OSPS-AC-04.01'],
    'nist-ssdf': ['PO.3'],
  },
  'actions-allow-list': {
    'owasp-cicd-top10': ['CICD-SEC-8'],
    'nist-ssdf': ['PO.3'],
  },
  'webhook-secret': {
    'owasp-cicd-top10': ['CICD-SEC-7'],
    'openssf-scorecard': ['Webhooks'],
    'nist-ssdf': ['PO.5'],
  },
  'webhook-tls': {
    'owasp-cicd-top10': ['CICD-SEC-7'],
    'nist-ssdf': ['PO.5'],
  },
  'open-secret-alerts': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'osps-baseline': ['OSPS-BR-07.01'],
    'nist-ssdf': ['RV.2'],
  },
  'open-code-scanning-alerts': {
    'openssf-scorecard': ['SAST'],
    'nist-ssdf': ['PW.7', 'RV.2'],
  },
  'stale-ci-secrets': {
    'owasp-cicd-top10': ['CICD-SEC-6'],
    'nist-ssdf': ['PO.5'],
  },
  'repository-maintained': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'openssf-scorecard': ['Maintained'],
  },
  'open-vulnerable-dependencies': {
    'owasp-cicd-top10': ['CICD-SEC-3'],
    'openssf-scorecard': ['Vulnerabilities'],
    'nist-ssdf': ['RV.2'],
  },
  'sonarqube-quality-gate': {
    'owasp-cicd-top10': ['CICD-SEC-1'],
    'openssf-scorecard': ['SAST'],
    'osps-baseline': ['OSPS-VM-06.02'],
    'nist-ssdf': ['PO.4', 'PW.7'],
  },
};
