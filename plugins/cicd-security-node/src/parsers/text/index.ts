export { stripTrailingComment } from './comments';
export { LineIndex } from './lineIndex';
export { parseImageRef, isDigestPinned } from './imageRef';
export type { ImageRefParts } from './imageRef';
export { joinRepoPath } from './repoPath';
