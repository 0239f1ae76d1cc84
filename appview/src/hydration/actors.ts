import type { Kysely } from 'kysely'
import type { ActorRow, IndexSchema } from '@plyr/db'

/** One query for every actor a page mentions. */
export async function hydrateActors(
  db: Kysely<IndexSchema>,
  dids: Iterable<string>,
): Promise<Map<string, ActorRow>> {
  const unique = [...new Set(dids)]
  if (unique.length === 0) return new Map()
  const rows = await db.selectFrom('actor').selectAll().where('did', 'in', unique).execute()
  return new Map(rows.map((r) => [r.did, r]))
}
