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

/**
 * Where a source with no saved cursor began following the stream, saved before anything
 * it delivers is applied: a first start killed before its first batch commits resumes
 * from here instead of going live again (and missing what came in between). Never
 * replaces a cursor a batch saved.
 */
export async function saveStartingCursor(
  db: Kysely<IndexSchema>,
  source: string,
  cursor: number,
): Promise<void> {
  await db
    .insertInto('cursor')
    .values({ source, cursor, updated_at: new Date() })
    .onConflict((oc) => oc.column('source').doNothing())
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
