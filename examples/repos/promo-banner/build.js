const fs = require('node:fs');
fs.mkdirSync('dist', { recursive: true });
fs.writeFileSync(
  'dist/index.html',
  `<div class="promo">${process.env.PROMO_TEXT || 'Winter sale: -20%'}</div>`,
);
