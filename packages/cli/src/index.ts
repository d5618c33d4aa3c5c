/**
 * The cicd-security command line: `cicd-security scan [PATH...]`.
 *
 * @packageDocumentation
 */
import { main } from './cli';

main(process.argv.slice(2), {
  stdout: s => process.stdout.write(s),
  stderr: s => process.stderr.write(s),
  isTTY: Boolean(process.stdout.isTTY),
}).then(
  code => {
    process.exitCode = code;
  },
  e => {
    process.stderr.write(`cicd-security: ${e?.stack ?? e}\n`);
    process.exitCode = 2;
  },
);
