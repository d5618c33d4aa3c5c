/*
 * The OSV module's cache of the OSV API's querybatch answers: which
 * vulnerabilities (id and modification time) the API lists for one exact
 * package version, and when it was asked. Shared by every replica, so that
 * a package version is asked once per TTL however many repositories pin it.
 * These migrations run with their own table (cicd_security_osv_knex_migrations).
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cicd_security_osv_queries', table => {
    table.comment(
      'OSV API querybatch answers per exact package version (cicd-security OSV module)',
    );
    table
      .string('package_key', 64)
      .primary()
      .notNullable()
      .comment(
        'SHA-256 (hex) of ecosystem, normalised package name and version, NUL-separated',
      );
    table
      .string('ecosystem', 64)
      .notNullable()
      .comment('The OSV ecosystem: npm, PyPI, Go, Maven, …');
    table.text('name').notNullable().comment('The package name as first asked');
    table.text('version').notNullable().comment('The exact version asked');
    table
      .text('vulns')
      .notNullable()
      .comment(
        'JSON array of { id, modified } the API listed for the version (every page)',
      );
    table
      .timestamp('queried_at', { useTz: true })
      .notNullable()
      .comment('When the API was asked; the answer is reused for the TTL');
    table.index(['queried_at'], 'cicd_security_osv_queries_queried_at_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cicd_security_osv_queries');
};
