export { PoliciesTab } from './PoliciesTab';
export { EntityPoliciesCard } from './EntityPoliciesCard';
