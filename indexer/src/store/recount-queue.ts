import { type Kysely, sql } from 'kysely'
import {
  type CountChanges,
  type IndexedCount,
  type IndexSchema,
  insertRows,
  recountTracks,
  type Tx,
} from '@plyr/db'
import { hashKey } from '../lanes.js'

/**
 * Queues tracks for a recount (table track_recount), in the transaction that changed their
 * rows: the recount happens once every transaction of the batch has committed.
 */
export async function queueRecounts(tx: Tx, changes: CountChanges): Promise<void> {
  const rows: { uri: string; count: IndexedCount; hash: number }[] = []
  for (const [count, uris] of Object.entries(changes) as [IndexedCount, string[]][]) {
    for (const uri of new Set(uris)) rows.push({ uri, count, hash: hashKey(uri) })
  }
  await insertRows(tx, 'track_recount', ['uri', 'count', 'hash'], rows)
}

/**
 * Takes the queued tracks of recount lane `lane` of `lanes` off the queue and recounts
 * them; returns how many queued rows it took. The queue is read in one statement, and the
 * counts in the next: every queued row it takes was committed with the rows it stands
 * for, so the recount sees them. Rows queued meanwhile stay for the next recount.
 *
 * Two recounts of one track (the stream's indexer and a backfill, each recounting its own
 * batch) take turns: the second one's delete meets the queue rows of that track that the
 * first one took, and waits for it to commit before its own recount reads the rows. The
 * one that read the rows last writes its count last.
 */
export async function recountQueued(tx: Tx, lane: number, lanes: number): Promise<number> {
  const queued = await tx
    .deleteFrom('track_recount')
    .where(sql<number>`hash % ${lanes}`, '=', lane)
    .returning(['uri', 'count'])
    .execute()
  const changed: Required<CountChanges> = { like_count: [], comment_count: [] }
  for (const { uri, count } of queued) changed[count].push(uri)
  await recountTracks(tx, changed)
  return queued.length
}

/**
 * Reclaims the space of the queue's taken rows. Every batch fills and empties the queue,
 * so it would grow by the batch and every recount would read more, until a vacuum: it
 * gets one now and then from the indexer itself, whatever the database's autovacuum
 * settings (outside any transaction, as VACUUM must be).
 */
export async function vacuumRecountQueue(db: Kysely<IndexSchema>): Promise<void> {
  await sql`vacuum track_recount`.execute(db)
}
