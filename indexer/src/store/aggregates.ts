import { sql } from 'kysely'
import { chunks } from '../plugins/chunks.js'
import type { Tx } from '../plugins/plugin.js'

/**
 * Like and comment counts of these tracks, recomputed from the rows (never incremented):
 * a replay, a duplicate like or a like that arrived before its track cannot skew them.
 */
export async function recountTracks(tx: Tx, trackUris: Iterable<string>): Promise<void> {
  const uris = [...new Set(trackUris)]
  for (const chunk of chunks(uris)) {
    await tx
      .updateTable('track')
      .set({
        like_count: sql<number>`(select count(distinct l.did) from "like" l where l.subject_uri = track.uri)`,
        comment_count: sql<number>`(select count(*) from comment c where c.subject_uri = track.uri)`,
      })
      .where('uri', 'in', chunk)
      .execute()
  }
}
