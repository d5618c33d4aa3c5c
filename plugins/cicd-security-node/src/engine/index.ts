export { CheckRegistry } from './CheckRegistry';
export { runScan, toResult } from './runScan';
export type { ScanResult, RunScanOptions } from './runScan';
export * from './scoring';
export { fingerprint } from './fingerprint';
export * from './repoConfig';
export { applySuppressions } from './suppression';
