import { Knex } from 'knex';

export const NOTIFICATIONS_TABLE = 'cicd_security_notifications';

type Row = {
  entity_ref: string;
  subject: string;
  value: string | null;
  notified_at: Date | string | null;
  updated_at: Date | string;
};

/**
 * What was notified (or last seen) per entity and subject, in the plugin's
 * database: the dedupe that survives restarts and is shared by replicas.
 */
export class NotificationLog {
  constructor(
    private readonly db: Knex,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async get(
    entityRef: string,
    subject: string,
  ): Promise<{ value: string | null } | undefined> {
    const row = await this.db<Row>(NOTIFICATIONS_TABLE)
      .where({ entity_ref: entityRef, subject })
      .first('value');
    return row ? { value: row.value } : undefined;
  }

  /**
   * Records `value` for a subject seen for the first time. False when a row
   * already exists (another scan or replica got there first).
   */
  async claim(
    entityRef: string,
    subject: string,
    value: string | null,
    notified: boolean,
  ): Promise<boolean> {
    const now = this.clock();
    try {
      await this.db<Row>(NOTIFICATIONS_TABLE).insert({
        entity_ref: entityRef,
        subject,
        value,
        notified_at: notified ? now : null,
        updated_at: now,
      });
      return true;
    } catch (error) {
      if (await this.get(entityRef, subject)) return false;
      throw error;
    }
  }

  /**
   * Replaces the value of a subject if it is still `expected`: true when this
   * call made the change (and so may send the message for it).
   */
  async swap(
    entityRef: string,
    subject: string,
    expected: string | null,
    value: string | null,
    notified: boolean,
  ): Promise<boolean> {
    const now = this.clock();
    const query = this.db<Row>(NOTIFICATIONS_TABLE).where({
      entity_ref: entityRef,
      subject,
    });
    if (expected === null) query.whereNull('value');
    else query.where('value', expected);
    const changed = await query.update({
      value,
      updated_at: now,
      ...(notified ? { notified_at: now } : {}),
    });
    return changed > 0;
  }

  /** Subjects of an entity starting with `prefix`. */
  async subjects(entityRef: string, prefix: string): Promise<string[]> {
    const rows = await this.db<Row>(NOTIFICATIONS_TABLE)
      .where({ entity_ref: entityRef })
      .select('subject');
    return rows.map(r => r.subject).filter(s => s.startsWith(prefix));
  }

  /** Forgets subjects (e.g. a critical finding that was fixed). */
  async forget(entityRef: string, subjects: string[]): Promise<void> {
    for (let i = 0; i < subjects.length; i += 200) {
      await this.db<Row>(NOTIFICATIONS_TABLE)
        .where({ entity_ref: entityRef })
        .whereIn('subject', subjects.slice(i, i + 200))
        .delete();
    }
  }
}
