/*
 * The OSV module's cache of OSV records (GET /v1/vulns/{id}), fetched again
 * only when a querybatch answer lists the id with a later modification time.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cicd_security_osv_vulns', table => {
    table.comment(
      'OSV records fetched from the OSV API (cicd-security OSV module)',
    );
    table
      .string('vuln_id', 255)
      .primary()
      .notNullable()
      .comment('The OSV id: GHSA-…, PYSEC-…, GO-…');
    table
      .string('modified', 64)
      .notNullable()
      .comment("The record's modified field (RFC 3339)");
    table.text('record').notNullable().comment('The OSV record, as JSON');
    table
      .timestamp('fetched_at', { useTz: true })
      .notNullable()
      .comment('When the record was fetched');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cicd_security_osv_vulns');
};
