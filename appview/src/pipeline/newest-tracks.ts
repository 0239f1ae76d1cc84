import { decodeKeyset, nextCursor, pastKeyset } from './cursor.js'
import type { Reader } from './reader.js'
import { trackViews } from './tracks.js'
import { visibleTracks } from './visible.js'

/**
 * A page of tracks newest first, of every visible artist or of one (`did`), optionally
 * only those carrying `tag` (normalized): the skeleton is one indexed query over
 * (sort_at desc, uri desc) that leaves hidden tracks out, then the usual hydration.
 */
export async function newestTracksPage(
  reader: Reader,
  opts: { limit: number; cursor?: string; did?: string; tag?: string },
) {
  const after = decodeKeyset(opts.cursor)
  let query = visibleTracks(reader)
    .select(['track.uri', 'track.sort_at'])
    .orderBy('track.sort_at', 'desc')
    .orderBy('track.uri', 'desc')
    .limit(opts.limit)
  if (opts.did) query = query.where('track.did', '=', opts.did)
  const tag = opts.tag
  if (tag !== undefined) {
    // the planner picks: walk the newest tracks checking the (track_uri, tag) key, or
    // read the tag's tracks from its index and sort them, whichever is rarer
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('track_tag')
          .select('track_tag.tag')
          .whereRef('track_tag.track_uri', '=', 'track.uri')
          .where('track_tag.tag', '=', tag),
      ),
    )
  }
  if (after) query = query.where(pastKeyset('track.sort_at', 'track.uri', after, 'desc'))
  const skeleton = await query.execute()
  return {
    tracks: await trackViews(
      reader,
      skeleton.map((s) => s.uri),
    ),
    ...nextCursor(skeleton, opts.limit, (s) => [s.sort_at, s.uri]),
  }
}
