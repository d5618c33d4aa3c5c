/*
 * Indexes for the org-wide queries of the REST API: list filters and sorts,
 * failing entities per check and the history trend.
 */

const SCORECARD_INDEXES = [
  ['system'],
  ['grade'],
  ['name', 'entity_ref'],
  ['scanned_at'],
];

/** The default worst-first sort of the list: nulls last, then score. */
const SCORE_SORT_INDEX = 'cicd_security_scorecards_score_sort_idx';

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    for (const columns of SCORECARD_INDEXES) {
      table.index(columns, `cicd_security_scorecards_${columns.join('_')}_idx`);
    }
  });
  await knex.raw(
    `create index ${SCORE_SORT_INDEX} on cicd_security_scorecards ((score is null), score, entity_ref)`,
  );
  await knex.schema.alterTable('cicd_security_check_results', table => {
    table.index(
      ['check_id', 'status'],
      'cicd_security_check_results_check_id_status_idx',
    );
  });
  await knex.schema.alterTable('cicd_security_scans', table => {
    table.index(['scanned_at'], 'cicd_security_scans_scanned_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.raw(`drop index ${SCORE_SORT_INDEX}`);
  await knex.schema.alterTable('cicd_security_scans', table => {
    table.dropIndex(['scanned_at'], 'cicd_security_scans_scanned_at_idx');
  });
  await knex.schema.alterTable('cicd_security_check_results', table => {
    table.dropIndex(
      ['check_id', 'status'],
      'cicd_security_check_results_check_id_status_idx',
    );
  });
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    for (const columns of SCORECARD_INDEXES) {
      table.dropIndex(
        columns,
        `cicd_security_scorecards_${columns.join('_')}_idx`,
      );
    }
  });
};
