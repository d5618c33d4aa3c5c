module.exports = require('../../eslint.shared.js')(__dirname, [
  {
    // The fake OSV API the tests and the benchmark run against: test code only.
    files: ['src/testing/**'],
    rules: {
      '@backstage/no-undeclared-imports': 'off',
      'no-restricted-syntax': 'off',
    },
  },
  {
    // The module's test boots the cicd-security backend plugin with it.
    files: ['src/module.test.ts'],
    rules: { '@backstage/no-mixed-plugin-imports': 'off' },
  },
]);
