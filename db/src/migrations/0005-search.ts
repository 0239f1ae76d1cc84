import { type Kysely, sql } from 'kysely'

/**
 * Search (`fm.plyr.search.searchAll`, the `q` of `fm.plyr.feed.getTags`): pg_trgm and a
 * trigram GIN index on every searched name. One index serves the three ways a name is
 * matched: `ilike 'q%'`, `ilike '%q%'` and the fuzzy word similarity `q <% name`.
 * pg_trgm is a trusted extension (Postgres 13+): the database owner may create it.
 */
const SEARCHED: [table: string, column: string][] = [
  ['track', 'title'],
  ['actor', 'handle'],
  ['actor', 'display_name'],
  ['list', 'name'],
  ['track_tag', 'tag'],
]

const indexName = (table: string, column: string) => `${table}_${column}_trgm_idx`

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create extension if not exists pg_trgm`.execute(db)
  for (const [table, column] of SEARCHED) {
    await db.schema
      .createIndex(indexName(table, column))
      .on(table)
      .using('gin')
      .expression(sql`${sql.ref(column)} gin_trgm_ops`)
      .execute()
  }
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [table, column] of SEARCHED) {
    await db.schema.dropIndex(indexName(table, column)).execute()
  }
  await sql`drop extension if exists pg_trgm`.execute(db)
}
