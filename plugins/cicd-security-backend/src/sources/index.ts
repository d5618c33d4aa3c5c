export { resolveSource } from './resolveSource';
export type { ResolvedSource, ResolveSourceOptions } from './resolveSource';
export { localRevision } from './localRevision';
export { classifyReadError, RetriesExhaustedError, withRetries } from './retry';
export type { ReadFailure, RetryOptions, RetryPolicy } from './retry';
