import path from 'path';
import {
  builtinChecks,
  CheckRegistry,
  LocalDirectorySnapshot,
  runScan,
} from '@cicd-security/plugin-cicd-security-node';
async function main() {
  const reg = new CheckRegistry(builtinChecks).select({
    skip: ['hardcoded-secrets'],
  });
  const dirs = Array.from({ length: 200 }, (_, r) =>
    path.join('/tmp/cicd-security-bench-200', `repo-${r}`),
  );
  for (const dir of dirs.slice(0, 20))
    await runScan(LocalDirectorySnapshot.create(dir), reg);
  const t = Date.now();
  for (const dir of dirs)
    await runScan(LocalDirectorySnapshot.create(dir), reg);
  console.log('scan', Date.now() - t);
}
main();
