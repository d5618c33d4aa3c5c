export { resolveSource } from './resolveSource';
export type { ResolvedSource, ResolveSourceOptions } from './resolveSource';
