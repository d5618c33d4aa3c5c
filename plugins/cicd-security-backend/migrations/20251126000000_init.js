/*
 * The initial schema of cicd-security: the latest scorecard of each entity,
 * the scan history, the latest check results, findings and scan problems.
 * JSON values are stored as text so the schema is the same on SQLite and
 * PostgreSQL.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cicd_security_scorecards', table => {
    table.comment('The latest scorecard of each scanned entity');
    table
      .string('entity_ref')
      .primary()
      .notNullable()
      .comment('Full entity ref, e.g. component:default/payments-api');
    table.string('kind').notNullable().comment('Entity kind');
    table.string('namespace').notNullable().comment('Entity namespace');
    table.string('name').notNullable().comment('Entity name');
    table.string('title').nullable().comment('Entity title, if any');
    table.string('type').nullable().comment('spec.type of the entity');
    table
      .string('lifecycle')
      .nullable()
      .comment('spec.lifecycle of the entity');
    table.string('owner').nullable().comment('Owner entity ref');
    table.string('system').nullable().comment('System entity ref');
    table
      .string('state')
      .notNullable()
      .comment('ok, scanning, error, no-source or stale');
    table
      .text('state_reason')
      .nullable()
      .comment('Why the state is error, no-source or stale');
    table
      .double('score')
      .nullable()
      .comment('Overall score 0-10, null when no check applied');
    table.string('grade', 1).nullable().comment('A-F, null without a score');
    table
      .text('categories')
      .notNullable()
      .comment('JSON array of category scores');
    table.text('counts').notNullable().comment('JSON object of result counts');
    table
      .string('revision')
      .nullable()
      .comment('Commit or content revision the scan saw');
    table
      .text('source_location')
      .nullable()
      .comment('Where the source was read from');
    table
      .string('check_set_version')
      .nullable()
      .comment('Engine version and check ids of the scan');
    table
      .timestamp('scanned_at', { useTz: true })
      .nullable()
      .comment('When the scan that produced the results finished');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('When this row last changed');
    table.index(['owner'], 'cicd_security_scorecards_owner_idx');
  });

  await knex.schema.createTable('cicd_security_scans', table => {
    table.comment('History: one row per scan of an entity');
    table.bigIncrements('id').primary().comment('Surrogate key');
    table.string('entity_ref').notNullable().comment('Full entity ref');
    table
      .timestamp('scanned_at', { useTz: true })
      .notNullable()
      .comment('When the scan finished');
    table.string('state').notNullable().comment('State the scan ended in');
    table.double('score').nullable().comment('Overall score 0-10');
    table.string('grade', 1).nullable().comment('A-F');
    table
      .text('categories')
      .notNullable()
      .comment('JSON array of category scores');
    table
      .integer('duration_ms')
      .nullable()
      .comment('How long the checks took, in milliseconds');
    table.index(
      ['entity_ref', 'scanned_at'],
      'cicd_security_scans_entity_ref_scanned_at_idx',
    );
  });

  await knex.schema.createTable('cicd_security_check_results', table => {
    table.comment('The latest result of each check on each entity');
    table.string('entity_ref').notNullable().comment('Full entity ref');
    table.string('check_id').notNullable().comment('Stable check id');
    table
      .string('status')
      .notNullable()
      .comment('pass, fail, warn, not-applicable, inconclusive or error');
    table
      .double('score')
      .nullable()
      .comment('0-10; null unless pass, fail or warn');
    table.string('severity').notNullable().comment('Severity of the check');
    table.string('category').notNullable().comment('Category of the check');
    table.text('title').notNullable().comment('Title of the check');
    table.text('reason').nullable().comment('Why not applicable, or a summary');
    table.primary(['entity_ref', 'check_id']);
  });

  await knex.schema.createTable('cicd_security_findings', table => {
    table.comment('Findings of the latest check results');
    table.bigIncrements('id').primary().comment('Surrogate key');
    table.string('entity_ref').notNullable().comment('Full entity ref');
    table.string('check_id').notNullable().comment('Check that found it');
    table.string('severity').notNullable().comment('Severity of the finding');
    table.text('message').notNullable().comment('What is wrong (redacted)');
    table.text('file').nullable().comment('Repository-relative path');
    table.integer('line').nullable().comment('1-based line');
    table.integer('column').nullable().comment('1-based column');
    table.integer('end_line').nullable().comment('1-based end line');
    table.integer('end_column').nullable().comment('1-based end column');
    table.text('snippet').nullable().comment('Offending code (redacted)');
    table
      .string('fingerprint')
      .notNullable()
      .comment('Stable identity of the finding across scans');
    table
      .text('suggested_fix')
      .nullable()
      .comment('JSON of the suggested fix, if any');
    table
      .text('suppressed')
      .nullable()
      .comment('JSON of the suppression, if any');
    table.index(
      ['entity_ref', 'check_id'],
      'cicd_security_findings_entity_ref_check_id_idx',
    );
  });

  await knex.schema.createTable('cicd_security_problems', table => {
    table.comment('Files the latest scan could not use, and parse errors');
    table.bigIncrements('id').primary().comment('Surrogate key');
    table.string('entity_ref').notNullable().comment('Full entity ref');
    table.text('file').notNullable().comment('Repository-relative path');
    table.integer('line').nullable().comment('1-based line');
    table.integer('column').nullable().comment('1-based column');
    table.string('kind').notNullable().comment('parse-error or skipped-file');
    table.text('message').notNullable().comment('What went wrong');
    table.index(['entity_ref'], 'cicd_security_problems_entity_ref_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cicd_security_problems');
  await knex.schema.dropTable('cicd_security_findings');
  await knex.schema.dropTable('cicd_security_check_results');
  await knex.schema.dropTable('cicd_security_scans');
  await knex.schema.dropTable('cicd_security_scorecards');
};
