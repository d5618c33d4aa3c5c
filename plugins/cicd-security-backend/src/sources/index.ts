export { resolveSource } from './resolveSource';
export type {
  ResolvedSource,
  ResolveSourceOptions,
  SourceAllowEntry,
} from './resolveSource';
export { localRevision, localRevisionAndSize } from './localRevision';
export {
  BoundedTreeRead,
  BoundedTreeSnapshot,
  RepositoryTooLargeError,
} from './boundedTree';
export type { TreeLimits } from './boundedTree';
export { classifyReadError, RetriesExhaustedError, withRetries } from './retry';
export type { ReadFailure, RetryOptions, RetryPolicy } from './retry';
