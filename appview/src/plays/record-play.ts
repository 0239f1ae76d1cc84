import { type Kysely, sql } from 'kysely'
import { type IndexSchema, recountTracks } from '@plyr/db'

/** A listener's plays of one track within this long of their last counted one are one. */
const PLAY_DEDUPE_MINUTES = 10
/** The most plays one listener counts in a minute: more is a burst, not listening. */
const PLAYS_PER_MINUTE = 12

/** Who reported a play: a signed-in account, or an anonymous client's key of the day. */
export type Listener = { did: string } | { key: string }

/**
 * Counts a reported play of a track: a `play` row and the track's play_count recomputed
 * from the rows, in one transaction. Not counted (false): a playback already counted, a
 * listener's replay of the track within PLAY_DEDUPE_MINUTES, a listener's play past
 * PLAYS_PER_MINUTE, a track that is gone.
 *
 * The track's row is locked first, so concurrent reports of one track (on any replica)
 * take turns: each statement after the lock sees the plays committed before it, which
 * keeps the checks and the recount exact.
 */
export async function recordPlay(
  db: Kysely<IndexSchema>,
  trackUri: string,
  listener: Listener,
  playbackId: string,
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
    const same = await tx
      .selectFrom('play')
      .select('id')
      .where('track_uri', '=', trackUri)
      .where('playback_id', '=', playbackId)
      .executeTakeFirst()
    if (same) return false
    const byListener = tx
      .selectFrom('play')
      .where((eb) =>
        'did' in listener
          ? eb('listener_did', '=', listener.did)
          : eb('listener_key', '=', listener.key),
      )
    const recent = await byListener
      .select('id')
      .where('track_uri', '=', trackUri)
      .where('played_at', '>', sql<Date>`now() - make_interval(mins => ${PLAY_DEDUPE_MINUTES})`)
      .limit(1)
      .executeTakeFirst()
    if (recent) return false
    const lastMinute = await byListener
      .select(sql<number>`count(*)::int`.as('n'))
      .where('played_at', '>', sql<Date>`now() - interval '1 minute'`)
      .executeTakeFirstOrThrow()
    if (lastMinute.n >= PLAYS_PER_MINUTE) return false
    await tx
      .insertInto('play')
      .values({
        track_uri: trackUri,
        listener_did: 'did' in listener ? listener.did : null,
        listener_key: 'key' in listener ? listener.key : null,
        playback_id: playbackId,
      })
      .execute()
    await recountTracks(tx, { play_count: [trackUri] })
    return true
  })
}
