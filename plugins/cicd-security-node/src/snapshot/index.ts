export * from './RepoSnapshot';
export { InMemorySnapshot } from './InMemorySnapshot';
export { LocalDirectorySnapshot } from './LocalDirectorySnapshot';
export type { LocalDirectorySnapshotOptions } from './LocalDirectorySnapshot';
export { matchFiles } from './match';
export { FilteredSnapshot } from './FilteredSnapshot';
export { FactsSnapshot } from './FactsSnapshot';
export { TreeSnapshot } from './TreeSnapshot';
export type {
  TreeFile,
  TreeResponse,
  TreeSnapshotOptions,
} from './TreeSnapshot';
