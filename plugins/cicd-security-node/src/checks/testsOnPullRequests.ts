import { ciFiles, mainCiFile } from '../analysis/ciFiles';
import {
  findEvidence,
  LineRule,
  runsOnPullRequests,
} from '../analysis/ciEvidence';
import { createScorecardCheck, outcome } from './types';

/** How a test run shows in a CI file: test commands, test report uploads, test steps. */
export const TEST_RULES: LineRule[] = [
  {
    tool: 'npm/yarn/pnpm test',
    re: /\b(?:npm|pnpm|yarn|bun)\s+(?:run\s+)?(?:test|tests|coverage|e2e)(?::[\w:-]+)?(?=\s|$|['";&|)])/i,
  },
  {
    tool: 'JavaScript test runner',
    re: /\b(?:npx\s+)?(?:jest|vitest|mocha|karma\s+start|playwright\s+test|cypress\s+run|ava)(?=\s|$|['";&|)])/i,
  },
  {
    tool: 'Backstage CLI tests',
    re: /\bbackstage-cli\s+(?:package|repo)\s+test\b/i,
  },
  {
    tool: 'pytest',
    re: /\bpytest\b|\bpython[\d.]*\s+-m\s+(?:pytest|unittest)\b|\b(?:tox|nox)(?=\s|$)|\bhatch\s+(?:run\s+)?test\b/i,
  },
  { tool: 'go test', re: /\bgo\s+test\b|\bgotestsum\b/i },
  { tool: 'cargo test', re: /\bcargo\s+(?:test|nextest)\b/i },
  {
    tool: 'Maven',
    re: /(?:\bmvnw?|\/mvnw)\b[^\n]*\s(?:test|verify|install)\b|\bMaven@\d/i,
    unless: /-DskipTests\b|-Dmaven\.test\.skip=true/,
  },
  {
    tool: 'Gradle',
    re: /(?:\bgradlew?|\/gradlew)\b[^\n]*\s(?:test|check|build)\b|\bGradle@\d/i,
    unless: /-x\s+test\b/,
  },
  {
    tool: 'dotnet test',
    re: /\bdotnet\s+test\b|^\s*command:\s*['"]?test['"]?\s*$/i,
  },
  {
    tool: 'Ruby tests',
    re: /\b(?:rspec|rake\s+(?:test|spec)|rails\s+test)\b/i,
  },
  { tool: 'make test', re: /\bmake\s+(?:[\w-]+\s+)*(?:test|tests|check)\b/i },
  {
    tool: 'Other test runners',
    re: /\b(?:phpunit|ctest|swift\s+test|mix\s+test|flutter\s+test|deno\s+test|sbt\b[^\n]*\btest|bazel\s+test|dart\s+test|xcodebuild\b[^\n]*\btest)\b/i,
  },
  {
    tool: 'test report',
    re: /^\s*junit:|\bPublishTestResults@|\bstore_test_results\b|\bjunit\s*(?:\(|['"])|\bdorny\/test-reporter@|\bEnricoMi\/publish-unit-test-result-action@|mikepenz\/action-junit-report@/i,
  },
  {
    tool: 'test step',
    re: /^\s*-?\s*name:\s*['"]?[^\n]*\b(?:unit[ -]?)?tests?\b/i,
  },
];

/**
 * Tests on every pull request catch a change that breaks behaviour, security
 * controls included, before a reviewer approves it.
 */
export const testsOnPullRequests = createScorecardCheck({
  id: 'tests-on-pull-requests',
  title: 'Tests run in CI on PRs',
  description:
    'A pipeline triggered by pull/merge requests runs the test suite (a test command, a test step or a test report upload).',
  category: 'code-quality',
  severity: 'low',
  platforms: [
    'github-actions',
    'gitlab-ci',
    'jenkins',
    'azure-pipelines',
    'circleci',
  ],
  remediationUrl:
    'https://docs.github.com/en/actions/use-cases-and-examples/building-and-testing',
  run(snapshot) {
    const files = ciFiles(snapshot);
    const evidence = findEvidence(snapshot, TEST_RULES, [], files);
    const onPrs = evidence.find(e => runsOnPullRequests(snapshot, e.file));
    if (onPrs)
      return outcome.pass(
        `${onPrs.tool} on pull requests (${onPrs.file}:${onPrs.line})`,
      );
    if (evidence.length > 0) {
      const byFile = evidence.filter(
        (e, i) => evidence.findIndex(x => x.file === e.file) === i,
      );
      return outcome.fail(
        3,
        byFile.map(e => ({
          message: `Tests run in ${e.file} (${e.tool}), which is not triggered by pull requests; run them on pull requests too`,
          file: e.file,
          line: e.line,
          column: e.column,
          endColumn: e.endColumn,
          snippet: e.snippet,
          fingerprintKey: `tests-not-on-prs:${e.file}`,
          suggestedFix: e.file.startsWith('.github/')
            ? {
                description: 'Add `pull_request:` to the workflow triggers',
                replacement:
                  'on:\n  push:\n    branches: [main]\n  pull_request:',
              }
            : undefined,
        })),
      );
    }
    const file = mainCiFile(snapshot);
    return outcome.fail(0, [
      {
        message: file
          ? `No test step in any of ${files.length} CI file(s); run the test suite on every pull request`
          : 'The repository has no CI configuration that runs tests on pull requests',
        file,
        line: file ? 1 : undefined,
        column: file ? 1 : undefined,
        fingerprintKey: 'no-tests-on-prs',
        suggestedFix: {
          description: 'Add a test workflow as .github/workflows/test.yml',
          replacement: TEST_WORKFLOW,
        },
      },
    ]);
  },
});

const TEST_WORKFLOW = `name: Test
on:
  push:
    branches: [main]
  pull_request:
permissions:
  contents: read
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@b4ffde65f46336ab88eb53be808477a3936bae11 # v4.1.1
        with:
          persist-credentials: false
      - run: npm ci
      - run: npm test`;
