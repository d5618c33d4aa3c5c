/*
 * Portal waivers and their audit trail. A waiver covers one check on one
 * entity or on every entity of an owner until it expires or is revoked; the
 * check stays visible on the scorecard but stops lowering the score.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cicd_security_waivers', table => {
    table.comment('Portal waivers: a check that stops lowering the score');
    table.string('id').primary().notNullable().comment('Waiver id (uuid)');
    table.string('check_id').notNullable().comment('Waived check id');
    table.string('scope_type').notNullable().comment('entity or owner');
    table
      .string('scope_ref')
      .notNullable()
      .comment('Entity ref (entity scope) or owner entity ref (owner scope)');
    table.text('reason').notNullable().comment('Why the check is waived');
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('When the waiver stops applying');
    table.string('created_by').notNullable().comment('User who created it');
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .comment('When it was created');
    table.string('revoked_by').nullable().comment('User who revoked it');
    table
      .timestamp('revoked_at', { useTz: true })
      .nullable()
      .comment('When it was revoked');
    table
      .boolean('expiry_applied')
      .notNullable()
      .defaultTo(false)
      .comment('True once the scores were recomputed after expiry');
    table.index(['scope_type', 'scope_ref'], 'cicd_security_waivers_scope_idx');
    table.index(['check_id'], 'cicd_security_waivers_check_id_idx');
  });

  await knex.schema.createTable('cicd_security_waiver_events', table => {
    table.comment('Audit trail: who created or revoked a waiver, and when');
    table.bigIncrements('id').primary().comment('Surrogate key');
    table.string('waiver_id').notNullable().comment('The waiver');
    table.string('action').notNullable().comment('created or revoked');
    table.string('actor').notNullable().comment('User entity ref');
    table
      .timestamp('at', { useTz: true })
      .notNullable()
      .comment('When it happened');
    table.text('reason').nullable().comment('Reason given, if any');
    table.index(['waiver_id'], 'cicd_security_waiver_events_waiver_id_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cicd_security_waiver_events');
  await knex.schema.dropTable('cicd_security_waivers');
};
