import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { resolveActor } from '../../../../pipeline/actor.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { trackViews } from '../../../../pipeline/tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getArtistTracks.main, async ({ params }) => {
    const limit = params.limit ?? 50
    const after = decodeKeyset(params.cursor)
    const artist = await resolveActor(ctx.db, params.actor)
    // skeleton: one query over (did, sort_at desc, uri desc)
    let query = ctx.db
      .selectFrom('track')
      .select(['uri', 'sort_at'])
      .where('did', '=', artist.did)
      .orderBy('sort_at', 'desc')
      .orderBy('uri', 'desc')
      .limit(limit)
    if (after) query = query.where(pastKeyset('sort_at', 'uri', after, 'desc'))
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
