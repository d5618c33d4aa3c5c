import path from 'path';
import { hardcodedSecrets } from '../plugins/cicd-security-node/src/checks/hardcodedSecrets';
import { LocalDirectorySnapshot } from '@cicd-security/plugin-cicd-security-node';
async function main() {
  const dirs = Array.from({ length: 200 }, (_, r) =>
    path.join('/tmp/cicd-security-bench-200', `repo-${r}`),
  );
  const t = Date.now();
  for (const dir of dirs)
    await hardcodedSecrets.run(LocalDirectorySnapshot.create(dir));
  console.log('secrets', Date.now() - t);
}
main();
