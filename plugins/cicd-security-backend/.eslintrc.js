module.exports = require('../../eslint.shared.js')(__dirname, [
  {
    // The multi-replica harness used by tests and benchmarks (not exported).
    files: ['src/scale/**'],
    rules: {
      '@backstage/no-undeclared-imports': 'off',
      'no-restricted-syntax': 'off',
    },
  },
]);
