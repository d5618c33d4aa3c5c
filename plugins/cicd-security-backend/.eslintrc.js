module.exports = require('../../eslint.shared.js')(__dirname, [
  {
    // Test and benchmark code (helpers, fakes, the multi-replica harness):
    // it may import devDependencies and is never part of the published
    // plugin (src/structure.test.ts checks that production code does not
    // import it).
    files: ['src/testing/**'],
    rules: {
      '@backstage/no-undeclared-imports': 'off',
      'no-restricted-syntax': 'off',
    },
  },
]);
