import { type Kysely, sql } from 'kysely'
import { type IndexSchema, recountTracks } from '@plyr/db'

/** A listener's plays of one track within this long of their last counted one are one. */
const PLAY_DEDUPE_MINUTES = 10

/**
 * Counts a play of a track: a `play` row and the track's play_count recomputed from the
 * rows, in one transaction. A known listener (a DID) who played the track in the last
 * PLAY_DEDUPE_MINUTES is not counted again: a reload or a retried request is one play.
 * Anonymous plays are all counted: nothing about an anonymous client is stored or
 * compared. Returns whether the play counted (false too for a track that is gone).
 *
 * The track's row is locked first, so concurrent plays of one track (on any replica)
 * take turns: each statement after the lock sees the plays committed before it, which
 * keeps the dedupe check and the recount exact.
 */
export async function recordPlay(
  db: Kysely<IndexSchema>,
  trackUri: string,
  listener: string | null,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    const track = await tx
      .selectFrom('track')
      .select('uri')
      .where('uri', '=', trackUri)
      // not `for update`: that would also hold off the indexer's recounts of this track
      // (the key share lock of track_count's foreign key)
      .forNoKeyUpdate()
      .executeTakeFirst()
    if (!track) return false
    if (listener !== null) {
      const recent = await tx
        .selectFrom('play')
        .select('id')
        .where('listener_did', '=', listener)
        .where('track_uri', '=', trackUri)
        .where('played_at', '>', sql<Date>`now() - make_interval(mins => ${PLAY_DEDUPE_MINUTES})`)
        .limit(1)
        .executeTakeFirst()
      if (recent) return false
    }
    await tx.insertInto('play').values({ track_uri: trackUri, listener_did: listener }).execute()
    await recountTracks(tx, { play_count: [trackUri] })
    return true
  })
}
