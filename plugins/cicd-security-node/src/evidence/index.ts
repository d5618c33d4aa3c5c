/*
 * Audit evidence: a reproducible JSON document of stored scans with a SHA-256
 * digest over its canonical JSON, its JSON Schema, and a printable HTML report.
 */
export * from './types';
export { canonicalJson, sha256Hex } from './canonicalJson';
export {
  buildEvidenceDocument,
  serializeEvidence,
  DEFAULT_EVIDENCE_FRAMEWORK,
  EVIDENCE_SCHEMA_ID,
} from './buildEvidence';
export type { BuildEvidenceOptions, EvidenceScorecard } from './buildEvidence';
export { verifyEvidence } from './verify';
export type { EvidenceVerification } from './verify';
export { evidenceSchema } from './schema';
export {
  renderEvidenceHtml,
  escapeHtml,
  evidenceScopeLabel,
} from './renderHtml';
