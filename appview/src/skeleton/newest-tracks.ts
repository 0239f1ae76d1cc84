import type { Position } from '../pipeline/keysets.js'
import { tracksNewestFirst } from '../pipeline/keysets.js'
import type { Reader } from '../pipeline/reader.js'
import { visibleTracks } from '../rules/visibility.js'

/**
 * The skeleton of a page of tracks newest first, of every visible artist or of one
 * (`did`), optionally only those carrying `tag` (normalized): one indexed query over
 * (sort_at desc, uri desc) that leaves hidden tracks out.
 */
export async function newestTracks(
  reader: Reader,
  page: { after: Position | undefined; limit: number; did?: string; tag?: string },
) {
  let query = visibleTracks(reader).select(['track.uri', 'track.sort_at'])
  if (page.did) query = query.where('track.did', '=', page.did)
  const tag = page.tag
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
  const rows = await tracksNewestFirst.page(query, page.after, page.limit).execute()
  return { tracks: rows.map((r) => r.uri), ...tracksNewestFirst.next(rows, page.limit) }
}
