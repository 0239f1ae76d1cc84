import { type Kysely, sql } from 'kysely'

/**
 * The tracks whose like or comment count is due for a recount. The indexer writes a batch
 * in several transactions at once, each holding the events of some of the actors; a like
 * and the track it counts for may land in different ones, so a transaction cannot recount
 * for itself. It queues the tracks instead, with its rows, and the batch recounts what is
 * queued once all of them have committed. A crash in between leaves the queue behind for
 * the next batch: nothing is lost, however the batch ends.
 *
 * Read whole and emptied each batch, so it has no index. `hash` is a hash of the uri: of
 * a batch's n recounting transactions, the k-th takes the rows whose hash modulo n is k, so
 * that two of them never recount the same track.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('track_recount')
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('count', 'text', (c) =>
      c.notNull().check(sql`count in ('like_count', 'comment_count')`),
    )
    .addColumn('hash', 'integer', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('track_recount').execute()
}
