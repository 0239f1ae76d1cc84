import { notLabelledHidden } from '../rules/visibility.js'
import { decodeKeyset, nextCursor, pastKeyset } from './cursor.js'
import type { Reader } from './reader.js'
import { trackViews } from './tracks.js'

/**
 * A page of tracks newest first, of every visible artist or of one (`did`): the skeleton
 * is one indexed query over (sort_at desc, uri desc) that leaves hidden tracks out, then
 * the usual hydration.
 */
export async function newestTracksPage(
  reader: Reader,
  opts: { limit: number; cursor?: string; did?: string },
) {
  const after = decodeKeyset(opts.cursor)
  let query = reader.db
    .selectFrom('track')
    .innerJoin('actor', 'actor.did', 'track.did')
    .select(['track.uri', 'track.sort_at'])
    .where('actor.status', '=', 'active')
    .where(notLabelledHidden(reader.labelers, 'track.uri', 'track.did'))
    .orderBy('track.sort_at', 'desc')
    .orderBy('track.uri', 'desc')
    .limit(opts.limit)
  if (opts.did) query = query.where('track.did', '=', opts.did)
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
