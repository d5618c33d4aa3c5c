/*
 * What changed since the previous scorecard of an entity, computed once when
 * a scan stores a new scorecard: each finding says whether the previous
 * scorecard lacked it (same check, same fingerprint), and the scorecard keeps
 * the previous scan it was compared with and the findings that went away.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_findings', table => {
    table
      .boolean('new_since_last_scan')
      .nullable()
      .comment(
        'True when the previous scorecard had no finding of this check with this fingerprint; null on the first scorecard',
      );
  });
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    table
      .text('changes')
      .nullable()
      .comment(
        'JSON { comparedWith: { scannedAt, revision? } | null, newFindings, fixedFindings: [{ checkId, checkTitle, severity, file?, line?, message, fingerprint }] } since the previous scorecard',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    table.dropColumn('changes');
  });
  await knex.schema.alterTable('cicd_security_findings', table => {
    table.dropColumn('new_since_last_scan');
  });
};
