/*
 * Findings a check did not list (past the per-check cap) are still counted:
 * their numbers are kept with the check result so that re-scoring and the
 * counts see every finding.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_check_results', table => {
    table
      .text('unlisted')
      .nullable()
      .comment(
        'JSON { findings, suppressed, critical } of findings past the per-check cap',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cicd_security_check_results', table => {
    table.dropColumn('unlisted');
  });
};
