import {
  Fact,
  FactName,
  FactProvider,
  factValue,
} from '@cicd-security/plugin-cicd-security-node';
import { OrganisationFacts } from '../config';

/**
 * The facts an organisation declares in `cicdSecurity.facts`, for every
 * entity. Undeclared ones are left out, so other providers may supply them
 * and checks see "no provider supplied …" otherwise.
 */
export function configFactProvider(
  declared: OrganisationFacts,
): FactProvider | undefined {
  const facts: Partial<Record<FactName, Fact>> = {};
  if (declared.allowedActionOwners) {
    facts['cicd-security.allowedActionOwners'] = factValue(
      declared.allowedActionOwners,
    );
  }
  if (declared.allowedRunnerLabels) {
    facts['cicd-security.allowedRunnerLabels'] = factValue(
      declared.allowedRunnerLabels,
    );
  }
  if (declared.runnersBehindEgressFirewall !== undefined) {
    facts['cicd-security.runnersBehindEgressFirewall'] = factValue(
      declared.runnersBehindEgressFirewall,
    );
  }
  const names = Object.keys(facts) as FactName[];
  if (names.length === 0) return undefined;
  return {
    id: 'configuration',
    facts: names,
    async fetch() {
      return facts;
    },
  };
}
