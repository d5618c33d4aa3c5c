export { shannonEntropy } from './entropy';
export {
  redactSecret,
  redactLine,
  secretHash,
  redactKnown,
  KnownSecrets,
  MAX_SNIPPET,
} from './redact';
export { redactCredentials } from './credentials';
export { redactingLogger } from './redactingLogger';
export {
  SECRET_RULES,
  GENERIC_THRESHOLDS,
  isReference,
  isPlaceholder,
  looksLikeExample,
  exampleReason,
} from './rules';
export type { SecretRule, SecretRuleKind } from './rules';
export {
  scanText,
  scanSnapshotSecrets,
  isSecretScanPath,
  MAX_MATCHES_PER_FILE,
  MAX_LARGE_FILE_BYTES,
} from './scanSecrets';
export type {
  SecretMatch,
  FileSecretMatch,
  ScanTextOptions,
  SnapshotSecrets,
} from './scanSecrets';
