export { EntityCicdSecurityContent } from './EntityCicdSecurityContent';
export type { EntityCicdSecurityContentProps } from './EntityCicdSecurityContent';
