import { createHash } from 'crypto';
import fs from 'fs';
import path from 'path';
import Ajv2020 from 'ajv/dist/2020';
import { builtinChecks } from '../checks';
import { CheckRegistry } from '../engine/CheckRegistry';
import {
  buildEvidenceDocument,
  canonicalJson,
  evidenceSchema,
  renderEvidenceHtml,
  serializeEvidence,
  verifyEvidence,
} from '.';
import { evidenceTestScorecard } from './fixtures';

// cicd-security: ignore[hardcoded-secrets] a fake token that the export must redact
const GHP = `ghp_${'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8'}`;

const validate = new Ajv2020({ allErrors: true, strict: false }).compile(
  evidenceSchema,
);
function schemaErrors(doc: unknown) {
  return validate(doc) ? [] : validate.errors;
}

const checks = new CheckRegistry(builtinChecks).metadata();

function exportOrg(order: 'forward' | 'reverse' = 'forward') {
  const scorecards = [
    evidenceTestScorecard(),
    evidenceTestScorecard({
      entityRef: 'component:default/web',
      name: 'web',
      title: 'Web',
      revision: 'etag-17',
      scannedAt: '2026-11-21T08:00:00.000Z',
    }),
  ];
  if (order === 'reverse') {
    scorecards.reverse();
    for (const s of scorecards) {
      s.checks.reverse();
      for (const c of s.checks) c.findings.reverse();
    }
  }
  return buildEvidenceDocument({
    scope: { kind: 'org' },
    checks: order === 'reverse' ? [...checks].reverse() : checks,
    scorecards,
  });
}

describe('evidence documents', () => {
  it('validate against the published JSON Schema', () => {
    const doc = exportOrg();
    expect(schemaErrors(doc)).toEqual([]);
    expect(doc.content.framework.id).toBe('owasp-cicd-top10');
    expect(doc.content.components.map(c => c.entityRef)).toEqual([
      'component:default/payments-api',
      'component:default/web',
    ]);
  });

  it('publish the same schema in docs/schemas', () => {
    const published = fs.readFileSync(
      path.resolve(__dirname, '../../../../docs/schemas/evidence.schema.json'),
      'utf8',
    );
    expect(published).toBe(
      fs.readFileSync(path.resolve(__dirname, 'evidence.schema.json'), 'utf8'),
    );
    expect(evidenceSchema.$schema).toBe(
      'https://json-schema.org/draft/2020-12/schema',
    );
  });

  it('are byte-identical for the same stored scans, whatever their order', () => {
    const a = serializeEvidence(exportOrg());
    const b = serializeEvidence(exportOrg());
    const c = serializeEvidence(exportOrg('reverse'));
    expect(b).toBe(a);
    expect(c).toBe(a);
    expect(a).not.toMatch(/exportedAt|generatedAt/);
  });

  it('hold the scan time, commit, engine and check versions, results and waivers', () => {
    const doc = exportOrg();
    const [payments, web] = doc.content.components;
    expect(payments.scannedAt).toBe('2026-11-20T10:00:00.000Z');
    expect(payments.commitSha).toBe('0123456789abcdef0123456789abcdef01234567');
    expect(web.revision).toBe('etag-17');
    expect(web.commitSha).toBeUndefined();
    expect(doc.content.engine.version).toMatch(/^\d+\.\d+\.\d+/);
    const check = doc.content.checks.find(c => c.id === 'unpinned-actions')!;
    expect(check.engineVersion).toBe(doc.content.engine.version);
    expect(check.metadataSha256).toMatch(/^[0-9a-f]{64}$/);
    // Findings sorted by file and line.
    expect(payments.results[1].findings.map(f => f.line)).toEqual([9, 12]);
    expect(payments.waivers).toEqual([
      {
        checkId: 'unpinned-actions',
        source: 'config',
        reason: 'vendor action, reviewed',
        expiresAt: '2027-01-31',
        fingerprints: ['fp-a'],
      },
      {
        checkId: 'unpinned-actions',
        source: 'portal',
        id: 'w-1',
        reason: 'migration to SHA pins planned for Q1',
        grantedBy: 'user:default/alice',
        expiresAt: '2027-02-01T00:00:00.000Z',
      },
    ]);
    expect(payments.compliance.controls.length).toBeGreaterThan(0);
  });

  it('use the framework chosen', () => {
    const doc = buildEvidenceDocument({
      scope: { kind: 'entity', entityRef: 'component:default/payments-api' },
      framework: 'slsa-build',
      checks,
      scorecards: [evidenceTestScorecard()],
    });
    expect(doc.content.framework.id).toBe('slsa-build');
    expect(schemaErrors(doc)).toEqual([]);
  });

  it('redact secrets in every text once more', () => {
    const sc = evidenceTestScorecard();
    sc.checks[0].findings[0].message = `token ${GHP} in the workflow`;
    sc.checks[0].findings[0].snippet = `TOKEN: ${GHP}`;
    sc.checks[0].waiver!.reason = `rotated ${GHP}`;
    const text = serializeEvidence(
      buildEvidenceDocument({
        scope: { kind: 'org' },
        checks,
        scorecards: [sc],
      }),
    );
    expect(text).not.toContain(GHP);
    expect(text).toContain('REDACTED');
  });

  it('verify with their digest, and detect tampering', () => {
    const doc = exportOrg();
    const parsed = JSON.parse(serializeEvidence(doc));
    expect(verifyEvidence(parsed)).toEqual({
      valid: true,
      stated: doc.integrity.digest,
      computed: doc.integrity.digest,
    });
    // An auditor's own computation: SHA-256 of the canonical JSON of content.
    expect(
      createHash('sha256')
        .update(canonicalJson(parsed.content), 'utf8')
        .digest('hex'),
    ).toBe(doc.integrity.digest);

    const tampered = JSON.parse(serializeEvidence(doc));
    tampered.content.components[0].results[1].status = 'pass';
    const result = verifyEvidence(tampered);
    expect(result.valid).toBe(false);
    expect(result.computed).not.toBe(doc.integrity.digest);

    expect(verifyEvidence({ content: {} }).problem).toBe(
      'no sha256 integrity digest',
    );
    expect(verifyEvidence('x').valid).toBe(false);
  });
});

describe('canonicalJson', () => {
  it('sorts keys, drops undefined members and writes no whitespace', () => {
    expect(canonicalJson({ b: [1, { d: 'x', c: undefined }], a: null })).toBe(
      '{"a":null,"b":[1,{"d":"x"}]}',
    );
    expect(() => canonicalJson({ a: Infinity })).toThrow(/infinite/);
  });
});

describe('renderEvidenceHtml', () => {
  it('renders a self-contained report with every text escaped', () => {
    const html = renderEvidenceHtml(exportOrg());
    expect(html).not.toContain('<script');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).not.toMatch(/\b(?:src|href)="(?:https?:)?\/\//);
    expect(html).toContain('@media print');
    expect(html).toContain('Payments API');
    expect(html).toContain('user:default/alice');
    expect(html).toContain(exportOrg().integrity.digest);
  });
});
