/*
 * What incremental scans compare and what the UI links to: the SCM URL of the
 * source (for `url:` sources) and the hash of the scoring configuration the
 * stored score was computed with.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    table
      .text('scm_url')
      .nullable()
      .comment('Base URL of the source in its SCM, for url: sources');
    table
      .string('scoring_version')
      .nullable()
      .comment('Hash of the scoring configuration the score was computed with');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    table.dropColumn('scoring_version');
    table.dropColumn('scm_url');
  });
};
