/*
 * One line, one problem: a finding that other checks also report at the same
 * token lists them, and theirs are marked as its duplicates (in `suppressed`).
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_findings', table => {
    table
      .text('also_reported_by')
      .nullable()
      .comment(
        'JSON [{ checkId, severity, message, fingerprint }] of other checks reporting the same problem here',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cicd_security_findings', table => {
    table.dropColumn('also_reported_by');
  });
};
