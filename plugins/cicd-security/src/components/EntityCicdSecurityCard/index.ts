export { EntityCicdSecurityCard } from './EntityCicdSecurityCard';
export type { EntityCicdSecurityCardProps } from './EntityCicdSecurityCard';
