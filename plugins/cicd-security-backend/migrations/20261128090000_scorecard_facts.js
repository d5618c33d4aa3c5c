/*
 * The SCM settings and declarations (facts) a scan read, without their
 * values: which ones, from where, whether they could be read (and if not,
 * why and with which permission), and when. Shown with the scorecard so that
 * a reader knows how old each setting is and what could not be seen.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    table
      .text('facts')
      .nullable()
      .comment(
        'JSON array of { name, source, available, readAt, reason?, permission?, delayed? } read by the scan',
      );
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cicd_security_scorecards', table => {
    table.dropColumn('facts');
  });
};
