/*
 * The owner group hierarchy, refreshed from the catalog: one row per group
 * and the closure (every ancestor/descendant pair, self included at depth 0)
 * so that roll-ups and "owned by this group or below" are single joins.
 */

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('cicd_security_groups', table => {
    table.comment('Group entities of the catalog, for team roll-ups');
    table
      .string('group_ref')
      .primary()
      .notNullable()
      .comment('Group entity ref, e.g. group:default/team-payments');
    table.string('title').nullable().comment('Display title of the group');
    table
      .string('type')
      .nullable()
      .comment('spec.type: team, department, organization...');
    table.string('parent_ref').nullable().comment('Parent group ref');
  });

  await knex.schema.createTable('cicd_security_group_closure', table => {
    table.comment('Closure of the group hierarchy');
    table.string('ancestor').notNullable().comment('Ancestor group ref');
    table
      .string('descendant')
      .notNullable()
      .comment('Descendant group ref (the ancestor itself at depth 0)');
    table
      .integer('depth')
      .notNullable()
      .comment('Number of parent links between them');
    table.primary(['ancestor', 'descendant']);
    table.index(['descendant'], 'cicd_security_group_closure_descendant_idx');
  });
};

/**
 * @param {import('knex').Knex} knex
 * @returns {Promise<void>}
 */
exports.down = async function down(knex) {
  await knex.schema.dropTable('cicd_security_group_closure');
  await knex.schema.dropTable('cicd_security_groups');
};
