export { shannonEntropy } from './entropy';
export { redactSecret, redactLine, secretHash } from './redact';
export {
  SECRET_RULES,
  GENERIC_THRESHOLDS,
  isReference,
  isPlaceholder,
  looksLikeExample,
} from './rules';
export type { SecretRule, SecretRuleKind } from './rules';
export { scanText, scanSnapshotSecrets, isSecretScanPath } from './scanSecrets';
export type {
  SecretMatch,
  FileSecretMatch,
  ScanTextOptions,
} from './scanSecrets';
