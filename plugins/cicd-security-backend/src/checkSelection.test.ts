import {
  builtinChecks,
  createScorecardCheck,
  ScorecardCheck,
} from '@cicd-security/plugin-cicd-security-node';
import { selectChecks } from './checkSelection';

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
