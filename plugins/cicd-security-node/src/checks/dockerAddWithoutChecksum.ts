import { getDockerfiles } from '../parsers/dockerfile';
import { CheckFinding, createScorecardCheck, outcome } from './types';

const REMOTE_RE = /^https?:\/\//i;
const CHECKSUM_RE = /^sha(256|384|512):[a-f0-9]{64,128}$/i;

/**
 * `ADD https://…` fetches whatever the server returns at build time; only
 * `--checksum=sha256:…` makes the build refuse content that changed.
 */
export const dockerAddWithoutChecksum = createScorecardCheck({
  id: 'docker-add-without-checksum',
  title: 'Remote `ADD` has checksum',
  description:
    'Dockerfile ADD instructions that download a file over HTTP(S) verify it with --checksum=sha256:…, so a changed or tampered download fails the build.',
  category: 'network-security',
  severity: 'medium',
  platforms: ['dockerfile'],
  remediationUrl:
    'https://docs.docker.com/reference/dockerfile/#add---checksum',
  run(snapshot) {
    const findings: CheckFinding[] = [];
    let total = 0;
    for (const df of getDockerfiles(snapshot)) {
      for (const copy of df.copies) {
        if (copy.keyword !== 'ADD') continue;
        const remote = copy.sources.filter(s => REMOTE_RE.test(s.value));
        if (!remote.length) continue;
        total += remote.length;
        const checksum = copy.flags.checksum;
        if (checksum !== undefined && CHECKSUM_RE.test(checksum)) continue;
        for (const src of remote) {
          const dest = copy.destination ?? '<destination>';
          findings.push({
            message:
              checksum !== undefined
                ? `ADD ${src.value} has --checksum=${checksum}, which is not a sha256/sha384/sha512 digest; the download is not verified`
                : `ADD ${src.value} downloads a file at build time without --checksum: whatever the server (or anyone in between) returns goes into the image`,
            file: df.path,
            ...src.range,
            snippet: df.lines.lineText(src.range.line).trim(),
            fingerprintKey: `${copy.instruction.stage}:${src.value}`,
            suggestedFix: {
              description:
                'Pin the download with its digest (`curl -fsSL <url> | sha256sum` prints it), or download it in a RUN step and verify it with `sha256sum -c`',
              replacement: `ADD --checksum=sha256:<digest> ${src.value} ${dest}`,
            },
          });
        }
      }
    }
    if (total === 0)
      return outcome.notApplicable('no Dockerfile ADD of an http(s) URL');
    return outcome.proportional(total, findings);
  },
});
