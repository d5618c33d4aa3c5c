/*
 * The ESLint configuration of every package: Backstage's rules, with a few
 * house-style exceptions. The scanners use `while ((m = re.exec(text)))` loops
 * and small nested conditionals throughout, and module-level constants
 * (templates, tables) are kept below the code that uses them, which is safe
 * because they are read only when a check runs. Tests that depend on an
 * optional corpus pick `it` or `it.skip` at load time.
 *
 * Each package's .eslintrc.js: module.exports = require('../../eslint.shared.js')(__dirname);
 */
module.exports = (dir, extraOverrides = []) =>
  require('@backstage/cli/config/eslint-factory')(dir, {
    rules: {
      'no-cond-assign': ['error', 'except-parens'],
      'no-nested-ternary': 'off',
      '@typescript-eslint/no-use-before-define': [
        'error',
        { functions: false, classes: false, variables: false },
      ],
    },
    overrides: [
      {
        files: ['**/*.test.ts', '**/*.test.tsx'],
        rules: {
          'jest/no-standalone-expect': 'off',
          'jest/no-conditional-expect': 'off',
        },
      },
      {
        // Shared test helpers, not tests themselves.
        files: ['src/testing/**'],
        rules: {
          'jest/no-export': 'off',
          'jest/valid-title': 'off',
          'jest/valid-describe-callback': 'off',
          'jest/no-disabled-tests': 'off',
          'jest/expect-expect': 'off',
          'no-restricted-syntax': 'off',
        },
      },
      ...extraOverrides,
    ],
  });
