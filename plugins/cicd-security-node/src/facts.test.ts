import {
  factCatalogue,
  factsForReuse,
  FactPermissionError,
  FactProvider,
  factUnavailable,
  factValue,
  gatherFacts,
  parseFactsDocument,
} from './facts';
import { InMemorySnapshot } from './snapshot';
import { FactsSnapshot } from './snapshot/FactsSnapshot';
import { builtinChecks } from './checks';
import fs from 'fs';
import path from 'path';

const subject = {
  entityRef: 'component:default/payments',
  source: { type: 'url', target: 'https://github.com/acme/payments' },
};

function provider(
  partial: Partial<FactProvider> & Pick<FactProvider, 'fetch'>,
): FactProvider {
  return {
    id: 'test',
    facts: ['github.vulnerabilityAlerts', 'github.securityAndAnalysis'],
    ...partial,
  };
}

describe('facts', () => {
  it('declares every fact the built-in checks read', () => {
    // Fact names are dotted string literals in the checks' sources, read
    // either inline or through a constant.
    const dir = path.join(__dirname, 'checks');
    const read = new Set<string>();
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      for (const m of text.matchAll(
        /'((?:github|gitlab|azure|cicd-security)\.[A-Za-z]+)'/g,
      )) {
        read.add(m[1]);
      }
    }
    expect(read.size).toBeGreaterThan(5);
    const declared = factCatalogue.map(f => f.name as string);
    expect([...read].filter(n => !declared.includes(n))).toEqual([]);
  });

  it('gathers facts from every provider that applies, and validates them', async () => {
    const { facts, errors } = await gatherFacts(
      [
        provider({
          async fetch() {
            return {
              'github.vulnerabilityAlerts': factValue(true),
              'github.securityAndAnalysis': factValue({
                secret_scanning: { status: 'enabled' },
              }),
            };
          },
        }),
        provider({
          id: 'gitlab',
          appliesTo: s => s.source.target.includes('gitlab'),
          async fetch() {
            throw new Error('must not be asked');
          },
        }),
      ],
      subject,
    );
    expect(errors).toEqual([]);
    expect(facts['github.vulnerabilityAlerts']).toEqual(factValue(true));
    expect(facts['github.securityAndAnalysis']).toEqual(
      factValue({ secret_scanning: { status: 'enabled' } }),
    );
  });

  it('turns a wrong type, a missing fact, an error and a timeout into reasons', async () => {
    const { facts, errors } = await gatherFacts(
      [
        provider({
          async fetch() {
            return { 'github.vulnerabilityAlerts': factValue('yes') };
          },
        }),
        provider({
          id: 'forbidden',
          facts: ['github.environments'],
          async fetch() {
            throw new FactPermissionError(
              'GET /repos/acme/payments/environments: 403',
              'actions: read',
            );
          },
        }),
        provider({
          id: 'slow',
          facts: ['github.checkRuns'],
          fetch: (_s, { signal }) =>
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => reject(signal.reason)),
            ),
        }),
      ],
      subject,
      { timeoutMs: 50 },
    );
    expect(facts['github.vulnerabilityAlerts']).toEqual({
      available: false,
      reason:
        'test supplied an invalid github.vulnerabilityAlerts: Expected boolean, received string',
    });
    expect(facts['github.securityAndAnalysis']).toEqual({
      available: false,
      reason: 'test did not supply github.securityAndAnalysis',
    });
    expect(facts['github.environments']).toEqual({
      available: false,
      reason:
        'forbidden could not read the facts: GET /repos/acme/payments/environments: 403 (needs actions: read)',
      permission: 'actions: read',
    });
    expect(facts['github.checkRuns']).toMatchObject({
      available: false,
      reason: 'slow could not read the facts: timed out after 50 ms',
    });
    expect(errors).toHaveLength(2);
  });

  it('lets the first provider that has a fact win, and joins the reasons when none has', async () => {
    const { facts } = await gatherFacts(
      [
        provider({
          id: 'a',
          facts: ['github.vulnerabilityAlerts', 'github.checkRuns'],
          async fetch() {
            return {
              'github.vulnerabilityAlerts': factUnavailable('a: 404'),
              'github.checkRuns': factUnavailable('a: 403', {
                permission: 'checks: read',
              }),
            };
          },
        }),
        provider({
          id: 'b',
          facts: ['github.vulnerabilityAlerts', 'github.checkRuns'],
          async fetch() {
            return {
              'github.vulnerabilityAlerts': factValue(false),
              'github.checkRuns': factUnavailable('b: not supported'),
            };
          },
        }),
      ],
      subject,
    );
    expect(facts['github.vulnerabilityAlerts']).toEqual(factValue(false));
    expect(facts['github.checkRuns']).toEqual({
      available: false,
      reason: 'a: 403 (needs checks: read); b: not supported',
      permission: 'checks: read',
    });
  });

  it('cancels providers when the caller aborts', async () => {
    const controller = new AbortController();
    let sawAbort = false;
    const pending = gatherFacts(
      [
        provider({
          fetch: (_s, { signal }) =>
            new Promise((_, reject) =>
              signal.addEventListener('abort', () => {
                sawAbort = true;
                reject(new Error('aborted'));
              }),
            ),
        }),
      ],
      subject,
      { signal: controller.signal },
    );
    controller.abort();
    const { facts } = await pending;
    expect(sawAbort).toBe(true);
    expect(facts['github.vulnerabilityAlerts']?.available).toBe(false);
  });

  it('reads a facts document and rejects unknown names and wrong types', () => {
    expect(
      parseFactsDocument({
        facts: { 'github.vulnerabilityAlerts': true },
        unavailable: {
          'github.environments': {
            reason: 'token lacks a scope',
            permission: 'actions: read',
          },
        },
      }),
    ).toEqual({
      facts: {
        'github.vulnerabilityAlerts': factValue(true),
        'github.environments': {
          available: false,
          reason: 'token lacks a scope',
          permission: 'actions: read',
        },
      },
    });
    expect(
      parseFactsDocument({
        facts: { 'github.vulnerabilityAlert': true, 'github.environments': 3 },
        extra: 1,
      }),
    ).toEqual({
      errors: [
        "unknown top-level key 'extra' (expected 'facts' and 'unavailable')",
        expect.stringContaining("unknown fact 'github.vulnerabilityAlert'"),
        'the facts file supplied an invalid github.environments: Expected array, received number',
      ],
    });
    expect(parseFactsDocument([])).toEqual({
      errors: ['the facts file must hold a JSON object'],
    });
  });

  it('gives checks the facts of a FactsSnapshot over the files of the inner one', async () => {
    const inner = new InMemorySnapshot({ 'README.md': 'hi' });
    const snapshot = new FactsSnapshot(inner, {
      'github.vulnerabilityAlerts': factValue(false),
    });
    expect(snapshot.files()).toEqual(['README.md']);
    expect(snapshot.fact('github.vulnerabilityAlerts')).toEqual(
      factValue(false),
    );
    expect(snapshot.fact('github.environments')).toEqual({
      available: false,
      reason: 'no provider supplied github.environments',
    });
    const check = builtinChecks.find(
      c => c.id === 'dependency-alerts-enabled',
    )!;
    const out = await check.run(snapshot);
    expect(out.status).toBe('fail');
  });
});

describe('factsForReuse', () => {
  it('keeps only the day of a read time, so age-based results refresh daily', () => {
    const read = (asOf: string) =>
      factsForReuse({
        'github.repository': factValue({
          archived: false,
          default_branch: 'main',
          asOf,
        }),
        'github.vulnerabilityAlerts': factValue(true),
      });
    expect(read('2026-11-27T08:00:00Z')).toEqual(read('2026-11-27T21:59:00Z'));
    expect(read('2026-11-27T08:00:00Z')).not.toEqual(
      read('2026-11-28T08:00:00Z'),
    );
    expect(read('2026-11-27T08:00:00Z')['github.repository']).toEqual({
      available: true,
      value: { archived: false, default_branch: 'main', asOf: '2026-11-27' },
    });
  });
});
