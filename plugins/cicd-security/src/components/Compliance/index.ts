export { ComplianceTab } from './ComplianceTab';
export { EntityComplianceCard } from './EntityComplianceCard';
