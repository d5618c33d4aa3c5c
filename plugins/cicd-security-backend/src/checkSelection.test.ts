import {
  builtinChecks,
  createScorecardCheck,
  LocalDirectorySnapshot,
  ScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';
import path from 'path';
import {
  builtinsWithAdvisories,
  builtinsWithAdvisoryData,
  selectChecks,
} from './checkSelection';

const check = (id: string): ScorecardCheck =>
  createScorecardCheck({
    id,
    title: id,
    description: id,
    category: 'compliance',
    severity: 'low',
    platforms: ['repository'],
    frameworks: [],
    run: () => ({ status: 'pass', score: 10, findings: [] }),
  });

const builtins = [check('builtin-a'), check('builtin-b')];

describe('selectChecks', () => {
  it.each([
    {
      name: 'every built-in and extension check by default',
      extension: ['extra'],
      disabled: [],
      ids: ['builtin-a', 'builtin-b', 'extra'],
      warning: undefined,
    },
    {
      name: 'without the disabled ones',
      extension: ['extra'],
      disabled: ['builtin-b', 'extra'],
      ids: ['builtin-a'],
      warning: undefined,
    },
    {
      name: 'warning about, and ignoring, disabled ids that name no check',
      extension: [],
      disabled: ['builtin-a', 'nope', 'gone'],
      ids: ['builtin-b'],
      warning: 'cicdSecurity.checks names unknown checks: nope, gone',
    },
  ])('selects $name', ({ extension, disabled, ids, warning }) => {
    const logger = { warn: jest.fn() };
    const registry = selectChecks({
      extensionChecks: extension.map(check),
      disabledChecks: disabled,
      logger,
      builtins,
    });
    expect(registry.ids()).toEqual(ids);
    if (warning) expect(logger.warn).toHaveBeenCalledWith(warning);
    else expect(logger.warn).not.toHaveBeenCalled();
  });

  it('starts from the engine built-in checks', () => {
    const registry = selectChecks({
      extensionChecks: [],
      disabledChecks: [],
      logger: { warn: jest.fn() },
    });
    expect(registry.ids()).toEqual(builtinChecks.map(c => c.id));
  });

  it('refuses an extension check that reuses a built-in id', () => {
    expect(() =>
      selectChecks({
        extensionChecks: [check('builtin-a')],
        disabledChecks: [],
        logger: { warn: jest.fn() },
        builtins,
      }),
    ).toThrow("Duplicate check id 'builtin-a'");
  });
});

describe('builtinsWithAdvisories', () => {
  const logger = { warn: jest.fn(), info: jest.fn() };
  const repoRoot = path.resolve(__dirname, '../../..');

  it('gives open-vulnerable-dependencies the OSV records of the directory, which find the demo repositories’ vulnerable pins', async () => {
    const checks = await builtinsWithAdvisories(
      path.join(repoRoot, 'examples/osv'),
      logger,
    );
    expect(checks).toHaveLength(builtinChecks.length);
    const osvCheck = checks.find(c => c.id === 'open-vulnerable-dependencies')!;
    expect(osvCheck).not.toBe(
      builtinChecks.find(c => c.id === 'open-vulnerable-dependencies'),
    );
    const out = await osvCheck.run(
      LocalDirectorySnapshot.create(
        path.join(repoRoot, 'examples/repos/session-gateway'),
      ),
    );
    expect(out.status).toBe('fail');
    const messages = 'findings' in out ? out.findings.map(f => f.message) : [];
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringContaining(
          'github.com/golang-jwt/jwt/v5 v5.2.1 (Go) is affected by GHSA-mh63-6h87-95cp (CVE-2025-30204)',
        ),
      ]),
    );
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/reads 3 OSV records from .*examples\/osv$/),
    );
  });

  it('leaves the check without advisory data, and says why, when the directory cannot be read', async () => {
    const checks = await builtinsWithAdvisories('/nonexistent/osv', logger);
    expect(checks.map(c => c.id)).toEqual(builtinChecks.map(c => c.id));
    const osvCheck = checks.find(c => c.id === 'open-vulnerable-dependencies')!;
    const out = await osvCheck.run(
      LocalDirectorySnapshot.create(
        path.join(repoRoot, 'examples/repos/session-gateway'),
      ),
    );
    expect(out.status).toBe('inconclusive');
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('cicdSecurity.osv.directory /nonexistent/osv'),
    );
  });
});

describe('builtinsWithAdvisoryData', () => {
  const repoRoot = path.resolve(__dirname, '../../..');
  const snapshot = () =>
    LocalDirectorySnapshot.create(
      path.join(repoRoot, 'examples/repos/session-gateway'),
    );

  it('gives open-vulnerable-dependencies the database a module set, over cicdSecurity.osv.directory, and says so', async () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    const lookup = jest.fn(async (packages: readonly unknown[]) =>
      packages.map(() => ({
        status: 'checked' as const,
        advisories: [],
        unparseable: [],
      })),
    );
    const checks = await builtinsWithAdvisoryData({
      directory: path.join(repoRoot, 'examples/osv'),
      database: { description: 'the OSV API at http://osv.test', lookup },
      logger,
    });
    expect(checks.map(c => c.id)).toEqual(builtinChecks.map(c => c.id));
    const out = await checks
      .find(c => c.id === 'open-vulnerable-dependencies')!
      .run(snapshot());
    expect(lookup).toHaveBeenCalledTimes(1);
    expect(out).toMatchObject({
      status: 'pass',
      reason: expect.stringContaining('the OSV API at http://osv.test'),
    });
    expect(logger.info).toHaveBeenCalledWith(
      'open-vulnerable-dependencies and known-vulnerable-actions read the OSV API at http://osv.test',
    );
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /^cicdSecurity\.osv\.directory .*examples\/osv is ignored: a module supplies the advisory data/,
      ),
    );
  });

  it('reads cicdSecurity.osv.directory when no module set a database', async () => {
    const logger = { warn: jest.fn(), info: jest.fn() };
    const checks = await builtinsWithAdvisoryData({
      directory: path.join(repoRoot, 'examples/osv'),
      database: undefined,
      logger,
    });
    const out = await checks
      .find(c => c.id === 'open-vulnerable-dependencies')!
      .run(snapshot());
    expect(out.status).toBe('fail');
    expect(logger.info).toHaveBeenCalledWith(
      expect.stringMatching(/reads 3 OSV records from .*examples\/osv$/),
    );
  });
});
