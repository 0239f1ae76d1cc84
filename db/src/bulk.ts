import { type Kysely, sql, type RawBuilder } from 'kysely'
import { type ColumnName, type ColumnType, columnsOf } from './columns.js'
import type { IndexSchema } from './schema.js'
import { textArray } from './text-array.js'

/**
 * How rows are written in bulk, every table alike: `insert ... select from unnest(...)`,
 * one array parameter per column whatever the number of rows, which Postgres parses and
 * plans far faster than thousands of VALUES parameters (and never runs into their 65,535
 * limit). `names` are the columns written (their types are the table's, in columns.ts);
 * `conflict` is the SQL after `on conflict` (e.g. `(uri) do update set ...`), if any.
 */
export async function insertRows<T extends keyof IndexSchema & string>(
  db: Kysely<IndexSchema>,
  table: T,
  names: readonly ColumnName<T>[],
  rows: Partial<Record<ColumnName<T>, unknown>>[],
  conflict?: RawBuilder<unknown>,
): Promise<void> {
  if (rows.length === 0) return
  const columns = columnsOf(table, names)
  await sql`
    insert into ${sql.table(table)} (${columnList(columns)}) ${selectRows(columns, rows)}
    ${conflict ? sql`on conflict ${conflict}` : sql``}
  `.execute(db)
}

/** The column names, for an `insert into t (...)` of `selectRows`. */
export function columnList(columns: Partial<Record<string, ColumnType>>): RawBuilder<unknown> {
  return sql.join(Object.keys(columns).map((n) => sql.ref(n)))
}

/**
 * `select <columns> from unnest(<an array per column>) as u(<columns>)`: the rows as a
 * relation named u, its columns named as the table's. Text and JSON columns go as binary
 * arrays (see `textArray`), the others as text.
 */
export function selectRows(
  columns: Partial<Record<string, ColumnType>>,
  rows: Record<string, unknown>[],
): RawBuilder<unknown> {
  const names = Object.keys(columns)
  const arrays = names.map((name) => {
    const type = columns[name]!
    if (type === 'text' || type === 'json') {
      return sql`${textArray(rows.map((row) => asText(row[name])))}::text[]`
    }
    // a batch's rows share one Date (the batch's time): it is converted once per column
    let lastDate: Date | undefined
    let lastIso = ''
    const values = rows.map((row) => {
      const v = row[name]
      if (!(v instanceof Date)) return v ?? null
      if (v !== lastDate) {
        lastDate = v
        lastIso = v.toISOString()
      }
      return lastIso
    })
    return sql`${values}::${sql.raw(type)}[]`
  })
  const select = names.map((name) =>
    columns[name] === 'json' ? sql`u.${sql.ref(name)}::json` : sql`u.${sql.ref(name)}`,
  )
  return sql`select ${sql.join(select)} from unnest(${sql.join(arrays)}) as u(${columnList(columns)})`
}

/** A text column's value: null (for null or undefined), else its string. */
function asText(v: unknown): string | null {
  return v == null ? null : String(v)
}

/** `column = anyOf(values)`: one array parameter, however many values. */
export function anyOf(values: string[]): RawBuilder<string> {
  return sql<string>`any(${textArray(values)}::text[])`
}

/** `col = excluded.col` for each column, for an upsert's `do update set`. */
export function setExcluded(columns: readonly string[]): RawBuilder<unknown> {
  return sql.join(columns.map((c) => sql`${sql.ref(c)} = excluded.${sql.ref(c)}`))
}
