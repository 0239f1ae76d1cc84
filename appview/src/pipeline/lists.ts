import { sql } from 'kysely'
import type { fm } from '@plyr/lexicons'
import { hydrateActors } from '../hydration/actors.js'
import { hydrateLabels } from '../hydration/labels.js'
import { visibility } from '../rules/visibility.js'
import { presentList } from '../views/list.js'
import type { Reader } from './reader.js'

type ListView = fm.plyr.feed.defs.ListView

/**
 * hydrate → rules → present for a skeleton of list uris, keeping its order: the lists,
 * their creators, labels and item counts in four queries. Unknown and hidden lists are
 * left out.
 */
export async function listViews(reader: Reader, uris: string[]): Promise<ListView[]> {
  if (uris.length === 0) return []
  const { db } = reader
  const rows = await db.selectFrom('list').selectAll().where('uri', 'in', uris).execute()
  const found = rows.map((r) => r.uri)
  const dids = rows.map((r) => r.did)
  const [creators, labels, counts] = await Promise.all([
    hydrateActors(db, dids),
    hydrateLabels(db, reader.labelers, [...found, ...dids]),
    found.length === 0
      ? []
      : db
          .selectFrom('list_item')
          .select(['list_uri', sql<number>`count(*)::int`.as('n')])
          .where('list_uri', 'in', found)
          .groupBy('list_uri')
          .execute(),
  ])
  const lists = new Map(rows.map((r) => [r.uri, r]))
  const itemCounts = new Map(counts.map((c) => [c.list_uri, c.n]))
  return uris.flatMap((uri) => {
    const list = lists.get(uri)
    const creator = list && creators.get(list.did)
    if (!list || !creator || visibility(creator, labels, uri)) return []
    return [presentList(list, creator, itemCounts.get(uri) ?? 0)]
  })
}
