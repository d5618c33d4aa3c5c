/*
 * What the plugin has told owners through Backstage notifications, so a
 * restart or a repeated scan does not send the same message again: one row
 * per entity and subject (its last grade, a critical finding, a policy, an
 * expiring waiver), with the value it was last seen or notified with.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cicd_security_notifications', table => {
    table.comment('What owners were notified about, for dedupe');
    table
      .string('entity_ref', 255)
      .notNullable()
      .comment('The component, or the waiver scope');
    table
      .string('subject', 512)
      .notNullable()
      .comment('e.g. grade, critical:<check>:<fingerprint>, waiver:<id>');
    table
      .text('value')
      .nullable()
      .comment('The last value seen (a grade, a list of policies)');
    table
      .timestamp('notified_at', { useTz: true })
      .nullable()
      .comment('When a message was last sent for this subject');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .comment('When the row was last written');
    table.primary(['entity_ref', 'subject']);
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cicd_security_notifications');
};
