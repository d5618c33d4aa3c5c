import { Knex } from 'knex';

/**
 * Checks that every stored scorecard is whole: the summary's counts agree
 * with the stored check results and findings of the entity, so results,
 * findings and summary all come from the same scan. Returns the refs whose
 * rows disagree, with what disagrees (empty when all are whole).
 */
export async function halfWrittenScorecards(knex: Knex): Promise<string[]> {
  const cards = (await knex('cicd_security_scorecards').select(
    'entity_ref',
    'state',
    'score',
    'counts',
  )) as Array<{
    entity_ref: string;
    state: string;
    score: number | string | null;
    counts: string;
  }>;
  const countBy = async (table: string) =>
    new Map(
      (
        (await knex(table)
          .select('entity_ref')
          .count({ n: '*' })
          .groupBy('entity_ref')) as Array<{
          entity_ref: string;
          n: string | number;
        }>
      ).map(r => [r.entity_ref, Number(r.n)]),
    );
  const checkRows = await countBy('cicd_security_check_results');
  // A check that listed only part of its findings stores one summary row in
  // their place; its `unlisted` counts say how many there are.
  const unlistedRows = (await knex('cicd_security_check_results')
    .whereNotNull('unlisted')
    .select('entity_ref', 'unlisted')) as Array<{
    entity_ref: string;
    unlisted: string;
  }>;
  const unlisted = new Map<string, number>();
  for (const r of unlistedRows) {
    const extra = JSON.parse(r.unlisted).findings - 1;
    unlisted.set(r.entity_ref, (unlisted.get(r.entity_ref) ?? 0) + extra);
  }
  const findingRows = await countBy('cicd_security_findings');
  const problems: string[] = [];
  for (const card of cards) {
    const c = JSON.parse(card.counts);
    const checks =
      c.passed +
      c.failed +
      c.warned +
      c.notApplicable +
      c.inconclusive +
      c.errored;
    const stored = checkRows.get(card.entity_ref) ?? 0;
    const findings =
      (findingRows.get(card.entity_ref) ?? 0) +
      (unlisted.get(card.entity_ref) ?? 0);
    if (stored !== checks) {
      problems.push(
        `${card.entity_ref}: summary counts ${checks} checks, ${stored} stored`,
      );
    }
    if (findings !== c.findings + c.suppressedFindings) {
      problems.push(
        `${card.entity_ref}: summary counts ${
          c.findings + c.suppressedFindings
        } findings, ${findings} stored`,
      );
    }
    if (checks > 0 && card.score === null) {
      problems.push(`${card.entity_ref}: results stored without a score`);
    }
  }
  return problems;
}
