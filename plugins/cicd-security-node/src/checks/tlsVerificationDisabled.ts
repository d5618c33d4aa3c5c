import { LineIndex } from '../parsers/text';
import {
  commandWords,
  flattenContinuations,
  getEnvAssignments,
  getScriptBlocks,
  programName,
  scriptLocation,
  shellCommands,
} from '../parsers/scripts';
import { CheckFinding, createScorecardCheck, outcome } from './types';

interface Rule {
  re: RegExp;
  message: string;
  fix: string;
}

/** Settings that turn certificate or host-key verification off, in scripts and `NAME=value` form. */
const RULES: Rule[] = [
  {
    re: /\bNODE_TLS_REJECT_UNAUTHORIZED\s*[=:]\s*["']?0\b/g,
    message:
      'NODE_TLS_REJECT_UNAUTHORIZED=0 turns off certificate checks for every Node.js request',
    fix: 'Remove it; add the internal CA with NODE_EXTRA_CA_CERTS instead',
  },
  {
    re: /\b(?:npm|yarn|pnpm)\s+(?:config\s+)?set\s+strict-ssl\s*[= ]\s*["']?false\b|--strict-ssl[= ]false\b|\bnpm_config_strict_ssl\s*=\s*["']?false\b/gi,
    message: 'strict-ssl false lets the package manager accept any certificate',
    fix: 'Keep strict-ssl on; point `cafile` at the internal CA if needed',
  },
  {
    re: /--trusted-host\b|\bPIP_TRUSTED_HOST\s*=\s*["']?[^\s"']/g,
    message:
      'pip --trusted-host skips certificate checks (and allows plain HTTP) for that host',
    fix: 'Remove --trusted-host; use --cert or PIP_CERT with the internal CA',
  },
  {
    re: /\bGIT_SSL_NO_VERIFY\s*=/g,
    message:
      'GIT_SSL_NO_VERIFY turns off certificate checks for git (whatever its value, even false)',
    fix: 'Remove it; set http.sslCAInfo to the internal CA instead',
  },
  {
    re: /\bhttp\.(?:\S+\.)?sslVerify\s*[= ]\s*["']?false\b/gi,
    message: 'http.sslVerify=false turns off certificate checks for git',
    fix: 'Remove it; set http.sslCAInfo to the internal CA instead',
  },
  {
    re: /--insecure-registry\b/g,
    message:
      '--insecure-registry lets the container engine talk to a registry without TLS verification',
    fix: 'Give the registry a trusted certificate (or add its CA to /etc/docker/certs.d)',
  },
  {
    re: /\bStrictHostKeyChecking\s*[= ]\s*["']?no\b/gi,
    message:
      'StrictHostKeyChecking=no accepts any SSH host key, so a machine in the middle is not noticed',
    fix: 'Pin the host key: add it to known_hosts (ssh-keyscan once, reviewed, stored in the repository or a secret)',
  },
  {
    re: /\bUserKnownHostsFile\s*[= ]\s*["']?\/dev\/null\b/gi,
    message:
      'UserKnownHostsFile=/dev/null throws SSH host keys away, so they are never checked',
    fix: 'Use a known_hosts file with the pinned host key',
  },
  {
    re: /\bANSIBLE_HOST_KEY_CHECKING\s*=\s*["']?(?:false|no|0)\b/gi,
    message: 'ANSIBLE_HOST_KEY_CHECKING=False accepts any SSH host key',
    fix: 'Keep host key checking on and provide known_hosts',
  },
  {
    re: /\bPYTHONHTTPSVERIFY\s*=\s*["']?0\b/g,
    message: 'PYTHONHTTPSVERIFY=0 turns off certificate checks in Python',
    fix: 'Remove it; set SSL_CERT_FILE or REQUESTS_CA_BUNDLE to the internal CA',
  },
  {
    re: /--tls-verify\s*=\s*false\b|--disable-tls\b/g,
    message: 'TLS verification of the registry is turned off',
    fix: 'Remove the flag and trust the registry certificate instead',
  },
  {
    re: /--insecure-skip-tls-verify\b(?!\s*=\s*false)/g,
    message:
      '--insecure-skip-tls-verify accepts any certificate from the cluster or repository',
    fix: 'Pass the cluster CA (--certificate-authority / --ca-file) instead',
  },
  {
    re: /\bGOINSECURE\s*=\s*["']?[^\s"']/g,
    message:
      'GOINSECURE fetches Go modules without certificate checks (and over plain HTTP)',
    fix: 'Remove GOINSECURE; serve the module proxy over HTTPS with a trusted certificate',
  },
];

/** Configuration files and the settings in them that turn verification off. */
const CONFIG_RULES: Array<{
  file: RegExp;
  re: RegExp;
  message: string;
  fix: string;
}> = [
  {
    file: /(^|\/)\.npmrc$/,
    re: /^\s*strict-ssl\s*=\s*false\b/gim,
    message: '.npmrc sets strict-ssl=false',
    fix: 'Remove strict-ssl=false; set cafile to the internal CA',
  },
  {
    file: /(^|\/)\.yarnrc$/,
    re: /^\s*strict-ssl\s+"?false\b/gim,
    message: '.yarnrc sets strict-ssl false',
    fix: 'Remove strict-ssl false; set cafile to the internal CA',
  },
  {
    file: /(^|\/)\.yarnrc\.yml$/,
    re: /^\s*enableStrictSsl\s*:\s*false\b/gim,
    message: '.yarnrc.yml sets enableStrictSsl: false',
    fix: 'Remove it; set caFilePath to the internal CA',
  },
  {
    file: /(^|\/)\.condarc$/,
    re: /^\s*ssl_verify\s*:\s*(false|no)\b/gim,
    message: '.condarc sets ssl_verify: false',
    fix: 'Set ssl_verify to the path of the internal CA bundle',
  },
  {
    file: /(^|\/)pip\.(conf|ini)$/,
    re: /^\s*trusted-host\s*=/gim,
    message: 'pip configuration trusts a host without certificate checks',
    fix: 'Remove trusted-host; set cert to the internal CA',
  },
  {
    file: /(^|\/)\.gitconfig$/,
    re: /^\s*sslVerify\s*=\s*false\b/gim,
    message: 'git configuration sets sslVerify = false',
    fix: 'Remove it; set sslCAInfo to the internal CA',
  },
  {
    file: /(^|\/)\.wgetrc$/,
    re: /^\s*check_certificate\s*=\s*off\b/gim,
    message: '.wgetrc sets check_certificate = off',
    fix: 'Remove it; set ca_certificate to the internal CA',
  },
  {
    file: /(^|\/)\.curlrc$/,
    re: /^\s*(-k|--insecure|insecure)\s*$/gim,
    message: '.curlrc turns on --insecure for every curl call',
    fix: 'Remove insecure; set cacert to the internal CA',
  },
  {
    file: /(^|\/)(\.ssh\/config|ssh_config)$/,
    re: /^\s*StrictHostKeyChecking\s*[= ]\s*no\b/gim,
    message: 'SSH configuration sets StrictHostKeyChecking no',
    fix: 'Keep host key checking on and pin the host keys in known_hosts',
  },
];

/**
 * Turning TLS or SSH verification off makes encryption worthless against
 * anyone on the network path: they can serve their own packages, images or
 * scripts, or read the credentials the job sends.
 */
export const tlsVerificationDisabled = createScorecardCheck({
  id: 'tls-verification-disabled',
  title: 'TLS/SSH verification not disabled',
  description:
    'Pipelines, Dockerfiles, scripts and tool configuration do not turn off certificate or SSH host-key verification (curl -k, strict-ssl false, StrictHostKeyChecking=no…).',
  category: 'network-security',
  severity: 'high',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
    'dockerfile',
    'shell',
    'repository',
  ],
  remediationUrl: 'https://curl.se/docs/sslcerts.html',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    const bad = new Set<string>();
    let total = 0;
    const push = (unit: string, f: CheckFinding) => {
      bad.add(unit);
      findings.push(f);
    };

    getScriptBlocks(snapshot).forEach((block, n) => {
      total++;
      const unit = `script:${n}`;
      const text = flattenContinuations(block.text);
      const seen = new Set<number>();
      const at = (
        offset: number,
        length: number,
        message: string,
        fix: string,
      ) => {
        if (seen.has(offset)) return;
        seen.add(offset);
        const loc = scriptLocation(block, offset, length);
        push(unit, {
          message,
          ...loc,
          fingerprintKey: `${block.context ?? ''}:${loc.snippet}`,
          suggestedFix: { description: fix },
        });
      };
      for (const cmd of shellCommands(block.text)) {
        const words = commandWords(cmd);
        const prog = programName(words[0]).toLowerCase();
        for (const w of words.slice(1)) {
          if (
            prog === 'curl' &&
            (w.value === '--insecure' || /^-[a-zA-Z]*k[a-zA-Z]*$/.test(w.value))
          ) {
            at(
              w.offset,
              w.length,
              `curl ${w.value} turns off certificate checks`,
              'Remove the flag; pass --cacert with the internal CA if needed',
            );
          }
          if (prog === 'wget' && w.value === '--no-check-certificate') {
            at(
              w.offset,
              w.length,
              'wget --no-check-certificate turns off certificate checks',
              'Remove the flag; pass --ca-certificate with the internal CA if needed',
            );
          }
          if (
            /^(invoke-webrequest|iwr|invoke-restmethod|irm)$/.test(prog) &&
            /^-SkipCertificateCheck$/i.test(w.value)
          ) {
            at(
              w.offset,
              w.length,
              `${words[0].value} -SkipCertificateCheck turns off certificate checks`,
              'Remove the flag and trust the internal CA instead',
            );
          }
        }
      }
      for (const rule of RULES) {
        rule.re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = rule.re.exec(text)))
          at(m.index, m[0].length, rule.message, rule.fix);
      }
    });

    for (const env of getEnvAssignments(snapshot)) {
      const assignment = `${env.name}=${env.value}`;
      for (const rule of RULES) {
        rule.re.lastIndex = 0;
        if (!rule.re.test(assignment)) continue;
        push(`env:${env.file}:${env.range.line}`, {
          message: `${rule.message} (set in ${env.context})`,
          file: env.file,
          line: env.range.line,
          column: env.range.column,
          endLine: env.range.endLine,
          endColumn: env.range.endColumn,
          snippet: env.lineText.trim(),
          fingerprintKey: `${env.context}:${env.name}`,
          suggestedFix: { description: rule.fix },
        });
        break;
      }
    }

    for (const path of snapshot.files()) {
      const rules = CONFIG_RULES.filter(r => r.file.test(path));
      if (!rules.length) continue;
      const text = snapshot.read(path);
      if (text === undefined) continue;
      total++;
      const lines = new LineIndex(text);
      for (const rule of rules) {
        rule.re.lastIndex = 0;
        let m: RegExpExecArray | null;
        while ((m = rule.re.exec(text))) {
          const lead = m[0].length - m[0].trimStart().length;
          const r = lines.range(m.index + lead, m[0].trim().length);
          push(`config:${path}`, {
            message: rule.message,
            file: path,
            ...r,
            snippet: lines.lineText(r.line).trim(),
            fingerprintKey: lines.lineText(r.line).trim(),
            suggestedFix: { description: rule.fix },
          });
        }
      }
    }

    if (total === 0 && findings.length === 0) {
      return outcome.notApplicable(
        'no pipeline scripts, Dockerfiles or tool configuration',
      );
    }
    return outcome.proportional(Math.max(total, bad.size), findings, bad.size);
  },
});
