// Renders the static shop shell into dist/.
const fs = require('node:fs');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync(
  'dist/index.html',
  '<!doctype html><title>ACME Shop</title><main id="app"></main>\n',
);
console.log('built dist/index.html');
