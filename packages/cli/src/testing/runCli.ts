import { main } from '../cli';

/** Runs the CLI in-process with captured output, as a pipeline would see it. */
export async function runCli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: s => (stdout += s),
    stderr: s => (stderr += s),
    isTTY: false,
  });
  return { code, stdout, stderr };
}
