import { Knex } from 'knex';

/** Lists longer than this are sent as one JSON/array parameter. */
const INLINE_LIST_LIMIT = 500;

export function isPostgres(db: Knex): boolean {
  const client = String(db.client.config.client ?? '');
  return client === 'pg' || client === 'postgres' || client === 'postgresql';
}

/**
 * `column in (...refs)` that also works for tens of thousands of refs: short
 * lists are inlined, long ones are bound as a single array parameter so no
 * statement runs into the drivers' bind limits.
 */
export function whereInList<T extends {}>(
  db: Knex,
  query: Knex.QueryBuilder<T, any>,
  column: string,
  values: string[],
): void {
  if (values.length <= INLINE_LIST_LIMIT) {
    query.whereIn(column, values);
  } else if (isPostgres(db)) {
    // A sub-select lets the planner hash the list instead of testing each
    // row against every element.
    query.whereRaw('?? in (select unnest(?::text[]))', [column, values]);
  } else {
    query.whereRaw('?? in (select value from json_each(?))', [
      column,
      JSON.stringify(values),
    ]);
  }
}

/** SQL for a numeric member of a JSON object stored as text. */
export function jsonNumber(db: Knex, column: string, key: string): Knex.Raw {
  if (!/^[A-Za-z]+$/.test(key)) throw new Error(`Bad JSON key ${key}`);
  return isPostgres(db)
    ? db.raw(`((??::jsonb ->> '${key}')::double precision)`, [column])
    : db.raw(`json_extract(??, '$.${key}')`, [column]);
}

/**
 * SQL condition: the JSON array of category scores in `column` holds
 * `category` with a score below `below`.
 */
export function categoryBelow(
  db: Knex,
  column: string,
  category: string,
  below: number,
): Knex.Raw {
  return isPostgres(db)
    ? db.raw(
        `exists (select 1 from jsonb_array_elements(??::jsonb) as c(v)
          where c.v ->> 'category' = ? and (c.v ->> 'score')::double precision < ?)`,
        [column, category, below],
      )
    : db.raw(
        `exists (select 1 from json_each(??) as c
          where json_extract(c.value, '$.category') = ? and json_extract(c.value, '$.score') < ?)`,
        [column, category, below],
      );
}

/** SQL for the UTC day (YYYY-MM-DD) of a timestamp column. */
export function utcDay(db: Knex, column: string): Knex.Raw {
  return isPostgres(db)
    ? db.raw(`to_char(?? at time zone 'UTC', 'YYYY-MM-DD')`, [column])
    : db.raw(
        `(case when typeof(??) in ('integer', 'real') then date(?? / 1000, 'unixepoch') else date(??) end)`,
        [column, column, column],
      );
}

export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, c => `\\${c}`);
}
