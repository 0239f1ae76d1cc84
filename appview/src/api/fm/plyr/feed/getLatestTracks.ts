import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { trackViews } from '../../../../pipeline/tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLatestTracks.main, async ({ params }) => {
    const limit = params.limit ?? 50
    const after = decodeKeyset(params.cursor)
    // skeleton: one indexed query over (sort_at desc, uri desc)
    let query = ctx.db
      .selectFrom('track')
      .innerJoin('actor', 'actor.did', 'track.did')
      .select(['track.uri', 'track.sort_at'])
      .where('actor.status', '=', 'active')
      .orderBy('track.sort_at', 'desc')
      .orderBy('track.uri', 'desc')
      .limit(limit)
    if (after) query = query.where(pastKeyset('track.sort_at', 'track.uri', after, 'desc'))
    const skeleton = await query.execute()
    return {
      encoding: 'application/json',
      body: {
        tracks: await trackViews(
          ctx.db,
          skeleton.map((s) => s.uri),
        ),
        ...nextCursor(skeleton, limit, (s) => [s.sort_at, s.uri]),
      },
    }
  })
}
