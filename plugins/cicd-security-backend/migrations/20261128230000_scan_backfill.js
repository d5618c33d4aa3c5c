/*
 * History from before the first scan: scans of earlier git revisions of a
 * component's source, stored as history points dated at the commit time,
 * with the commit SHA and marked as backfilled. They never become the
 * scorecard of the entity; the SHA keeps a second backfill from adding the
 * same revision again.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('cicd_security_scans', table => {
    table
      .string('revision', 255)
      .nullable()
      .comment('Commit SHA of a backfilled scan (null for live scans)');
    table
      .boolean('backfilled')
      .notNullable()
      .defaultTo(false)
      .comment('True for scans of earlier revisions, dated at the commit time');
    table.index(
      ['entity_ref', 'backfilled', 'revision'],
      'cicd_security_scans_backfill_idx',
    );
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.alterTable('cicd_security_scans', table => {
    table.dropIndex(
      ['entity_ref', 'backfilled', 'revision'],
      'cicd_security_scans_backfill_idx',
    );
    table.dropColumn('backfilled');
    table.dropColumn('revision');
  });
};
