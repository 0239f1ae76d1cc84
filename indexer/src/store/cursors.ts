import type { Kysely } from 'kysely'
import type { IndexSchema, Tx } from '@plyr/db'

/** Saved only once the rows the cursor covers have committed. */
export async function saveCursor(tx: Tx, source: string, cursor: number): Promise<void> {
  await tx
    .insertInto('cursor')
    .values({ source, cursor, updated_at: new Date() })
    .onConflict((oc) => oc.column('source').doUpdateSet({ cursor, updated_at: new Date() }))
    .execute()
}

export async function loadCursor(
  db: Kysely<IndexSchema>,
  source: string,
): Promise<number | undefined> {
  const row = await db
    .selectFrom('cursor')
    .select('cursor')
    .where('source', '=', source)
    .executeTakeFirst()
  return row?.cursor
}
