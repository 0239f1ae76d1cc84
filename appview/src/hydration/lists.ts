import { type Kysely, type Selectable, sql } from 'kysely'
import type { IndexSchema, ListTable } from '@plyr/db'

export type ListRow = Selectable<ListTable>

/** Lists (albums, playlists) by uri. One query. */
export async function hydrateLists(
  db: Kysely<IndexSchema>,
  uris: string[],
): Promise<Map<string, ListRow>> {
  if (uris.length === 0) return new Map()
  const rows = await db.selectFrom('list').selectAll().where('uri', 'in', uris).execute()
  return new Map(rows.map((r) => [r.uri, r]))
}

/** How many items each list holds. One query. */
export async function hydrateListItemCounts(
  db: Kysely<IndexSchema>,
  listUris: string[],
): Promise<Map<string, number>> {
  if (listUris.length === 0) return new Map()
  const rows = await db
    .selectFrom('list_item')
    .select(['list_uri', sql<number>`count(*)::int`.as('n')])
    .where('list_uri', 'in', listUris)
    .groupBy('list_uri')
    .execute()
  return new Map(rows.map((r) => [r.list_uri, r.n]))
}
