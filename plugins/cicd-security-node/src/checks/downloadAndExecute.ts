import {
  commandWords,
  flattenContinuations,
  getScriptBlocks,
  programName,
  ScriptBlock,
  scriptLocation,
  shellCommands,
  ShellCommand,
} from '../parsers/scripts';
import { CheckFinding, createScorecardCheck, outcome } from './types';

const DOWNLOADERS = new Set([
  'curl',
  'wget',
  'fetch',
  'http',
  'https',
  'iwr',
  'irm',
  'invoke-webrequest',
  'invoke-restmethod',
]);
const INTERPRETERS = new Set([
  'sh',
  'bash',
  'zsh',
  'dash',
  'ksh',
  'ash',
  'python',
  'python2',
  'python3',
  'node',
  'perl',
  'ruby',
  'php',
  'pwsh',
  'powershell',
  'iex',
  'invoke-expression',
  'source',
]);

/** raw.githubusercontent.com (or github.com/…/raw/) URLs pinned to a commit SHA. */
const PINNED_URL_RE =
  /^https:\/\/(raw\.githubusercontent\.com\/[^/\s]+\/[^/\s]+\/[0-9a-f]{40}\/|github\.com\/[^/\s]+\/[^/\s]+\/raw\/[0-9a-f]{40}\/|gist\.githubusercontent\.com\/[^/\s]+\/[0-9a-f]+\/raw\/[0-9a-f]{40}\/)/i;
const URL_RE = /https?:\/\/[^\s"'`)|;]+/g;

/** Verification of a downloaded file against a known checksum or signature. */
const VERIFY_RE =
  /\b(sha(1|224|256|384|512)sum|shasum|b2sum|md5sum)\b[^\n]*\s(-c|--check)\b|\bgpgv?\b[^\n]*--verify\b|\bgpgv\s|\bcosign\s+verify(-blob)?\b|\bminisign\s+-V\b|\bslsa-verifier\b|\bGet-FileHash\b|\bsigstore\b[^\n]*verify/;

const PROCESS_SUBST_RE =
  /(?:^|[\s;&|(])((?:sudo\s+(?:-\S+\s+)*)?(?:(?:ba|z|k|da)?sh|source|\.|python[0-9.]*|node|perl|ruby)\s+(?:-\S+\s+)*<\(\s*(?:curl|wget)\b[^)]*\))/g;
const COMMAND_SUBST_RE =
  /(?:^|[\s;&|(])((?:sudo\s+(?:-\S+\s+)*)?(?:(?:(?:ba|z|k|da)?sh|python[0-9.]*|node|perl|ruby)\s+(?:-\S+\s+)*-c|eval)\s+["']?(?:\$\(|`)\s*(?:curl|wget)\b[^)`]*[)`])/g;
const POWERSHELL_RE =
  /\b((?:iex|Invoke-Expression)\b[^\n]*?\b(?:DownloadString|DownloadFile|Invoke-WebRequest|iwr|irm|Invoke-RestMethod)\b[^\n]*|(?:\.DownloadString|\biwr|\birm|\bInvoke-WebRequest|\bInvoke-RestMethod)\b[^\n|]*\|\s*(?:iex|Invoke-Expression)\b)/gi;
const DENO_RE = /\bdeno\s+run\s+((?:-\S+\s+)*)(https?:\/\/\S+)/g;

function urlsOf(text: string): string[] {
  return text.match(URL_RE) ?? [];
}

/** True when every URL of the text is pinned to a commit SHA (and there is one). */
function allPinned(text: string): boolean {
  const urls = urlsOf(text);
  return urls.length > 0 && urls.every(u => PINNED_URL_RE.test(u));
}

/** The file a download command writes, when it writes one. */
function downloadTarget(cmd: ShellCommand): string | undefined {
  const words = commandWords(cmd);
  const prog = programName(words[0]).toLowerCase();
  const args = words.slice(1).map(w => w.value);
  const url = args.find(a => /^https?:\/\//.test(a));
  const basename = url
    ?.replace(/[?#].*$/, '')
    .replace(/\/+$/, '')
    .replace(/^.*\//, '');
  for (let k = 0; k < args.length; k++) {
    const a = args[k];
    if (prog === 'curl') {
      if (a === '--output' || /^-[a-zA-Z]*o$/.test(a)) return args[k + 1];
      if (/^-o./.test(a)) return a.slice(2);
      if (a === '--remote-name' || /^-[a-zA-Z]*O[a-zA-Z]*$/.test(a))
        return basename;
    } else if (prog === 'wget') {
      if (/^-[a-zA-Z]*O$/.test(a))
        return args[k + 1] === '-' ? undefined : args[k + 1];
      if (a.startsWith('--output-document=')) return a.slice(18);
    } else if (/^-outfile$/i.test(a)) {
      return args[k + 1];
    }
  }
  if (prog === 'wget') return basename;
  return undefined;
}

const base = (p: string) =>
  p.replace(/^["']|["']$/g, '').replace(/^.*[\\/]/, '');

/**
 * Running a script straight from the network (`curl … | sh`) executes whatever
 * the server, or anyone on the path, sends that day: a compromised host turns
 * every build into the attacker's.
 */
export const downloadAndExecute = createScorecardCheck({
  id: 'download-and-execute',
  title: 'No download-and-execute without verification',
  description:
    'Scripts are not piped from the network into a shell or interpreter, and downloaded programs are verified against a checksum or signature before they run.',
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
  ],
  frameworks: [{ framework: 'poutine', control: 'unverified_script_exec' }],
  remediationUrl:
    'https://github.com/ossf/scorecard/blob/main/docs/checks.md#pinned-dependencies',
  run(snapshot) {
    let downloads = 0;
    const findings: CheckFinding[] = [];
    for (const block of getScriptBlocks(snapshot)) {
      const r = scanBlock(block);
      downloads += r.downloads;
      findings.push(...r.findings);
    }
    if (downloads === 0 && findings.length === 0) {
      return outcome.notApplicable('no script downloads anything');
    }
    return outcome.proportional(Math.max(downloads, findings.length), findings);
  },
});

function scanBlock(block: ScriptBlock): {
  downloads: number;
  findings: CheckFinding[];
} {
  const text = flattenContinuations(block.text);
  const findings: CheckFinding[] = [];
  const covered: Array<[number, number]> = [];
  const add = (
    offset: number,
    length: number,
    message: string,
    fix: string,
  ) => {
    if (covered.some(([s, e]) => offset < e && offset + length > s)) return;
    covered.push([offset, offset + length]);
    const loc = scriptLocation(block, offset, length);
    findings.push({
      message,
      ...loc,
      fingerprintKey: `${block.context ?? ''}:${loc.snippet}`,
      suggestedFix: { description: fix },
    });
  };
  const cmds = shellCommands(block.text);
  let downloads = 0;
  cmds.forEach((cmd, i) => {
    const words = commandWords(cmd);
    const prog = programName(words[0]).toLowerCase();
    if (
      prog === 'deno' &&
      words[1]?.value === 'run' &&
      words.some(w => /^https?:\/\//.test(w.value))
    ) {
      downloads++;
    }
    if (!DOWNLOADERS.has(prog)) return;
    downloads++;
    const cmdText = text.slice(cmd.offset, cmd.end);
    // curl … | [tee …|] sh
    let j = i;
    while (cmds[j]?.next === '|' && j + 1 < cmds.length) {
      j++;
      const interp = programName(commandWords(cmds[j])[0]).toLowerCase();
      if (INTERPRETERS.has(interp) || /^python[0-9.]*$/.test(interp)) {
        if (allPinned(cmdText)) return;
        add(
          cmd.offset,
          cmds[j].end - cmd.offset,
          `\`${prog} … | ${interp}\` runs a downloaded script without verifying it`,
          'Download to a file, check its sha256 with `sha256sum -c`, then run it; or pin the URL to a commit SHA',
        );
        return;
      }
    }
    // Download then chmod +x / run.
    const target = downloadTarget(cmd);
    if (!target) return;
    const name = base(target);
    const rest = text.slice(cmd.end);
    if (VERIFY_RE.test(rest) || allPinned(cmdText)) return;
    const later = cmds.slice(i + 1);
    const runsIt = later.find(c => {
      const w = commandWords(c);
      const p = programName(w[0]).toLowerCase();
      if (
        p === 'chmod' &&
        w
          .slice(1)
          .some(a =>
            /^(\+x|[ugoa]*\+[rw]*x[rw]*|[0-7]?[1357][0-7]{2})$/.test(a.value),
          ) &&
        w.slice(1).some(a => base(a.value) === name)
      ) {
        return true;
      }
      if (
        (INTERPRETERS.has(p) || /^python[0-9.]*$/.test(p)) &&
        w.slice(1).some(a => base(a.value) === name)
      ) {
        return true;
      }
      return (
        w[0] && /^(\.{0,2}\/|\/)/.test(w[0].value) && base(w[0].value) === name
      );
    });
    if (runsIt) {
      add(
        cmd.offset,
        cmd.end - cmd.offset,
        `\`${name}\` is downloaded and run without checking its checksum or signature`,
        `Verify the download before running it, e.g. \`echo "<sha256>  ${name}" | sha256sum -c -\``,
      );
    }
  });
  for (const [re, what] of [
    [PROCESS_SUBST_RE, 'runs a script from process substitution `<(curl …)`'],
    [COMMAND_SUBST_RE, 'runs a downloaded script through `$(curl …)`'],
  ] as const) {
    re.lastIndex = 0;
    let m: RegExpExecArray | null;
    while ((m = re.exec(text))) {
      const start = m.index + m[0].indexOf(m[1]);
      if (allPinned(m[1])) continue;
      add(
        start,
        m[1].length,
        `The script ${what} without verifying it`,
        'Download to a file, check its sha256 with `sha256sum -c`, then run it',
      );
    }
  }
  POWERSHELL_RE.lastIndex = 0;
  let m: RegExpExecArray | null;
  while ((m = POWERSHELL_RE.exec(text))) {
    if (allPinned(m[1])) continue;
    downloads++;
    add(
      m.index,
      m[1].length,
      'PowerShell runs a downloaded script with Invoke-Expression without verifying it',
      'Save the script with Invoke-WebRequest -OutFile, compare Get-FileHash with a known hash, then run it',
    );
  }
  DENO_RE.lastIndex = 0;
  while ((m = DENO_RE.exec(text))) {
    if (!/(^|\s)(-A|--allow-all)(\s|$)/.test(m[1]) || allPinned(m[2])) continue;
    add(
      m.index,
      m[0].length,
      '`deno run -A` runs a remote module with every permission',
      'Vendor the module or pin it with a lock file (`--lock`), and grant only the permissions it needs',
    );
  }
  return { downloads, findings };
}
