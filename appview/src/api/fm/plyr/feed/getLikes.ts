import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrateActors } from '../../../../hydration/actors.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { isNewestLikeOfPair } from '../../../../pipeline/newest-like.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { requireVisibleTrack } from '../../../../pipeline/tracks.js'
import { notLabelledHidden } from '../../../../rules/visibility.js'
import { presentLike } from '../../../../views/like.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLikes.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const limit = params.limit ?? 50
      const after = decodeKeyset(params.cursor)
      // the track must be visible: TrackNotFound / TrackTakenDown otherwise
      await requireVisibleTrack(reader, params.uri)
      // skeleton: one query over (subject_uri, created_at desc, uri desc), likes by visible
      // accounts only, each account once (its newest like, as the like count counts it once)
      let query = ctx.db
        .selectFrom('like')
        .innerJoin('actor', 'actor.did', 'like.did')
        .select(['like.uri', 'like.did', 'like.created_at', 'like.indexed_at'])
        .where('like.subject_uri', '=', params.uri)
        .where('actor.status', '=', 'active')
        .where(notLabelledHidden(reader.labelers, 'like.uri', 'like.did'))
        .where(isNewestLikeOfPair)
        .orderBy('like.created_at', 'desc')
        .orderBy('like.uri', 'desc')
        .limit(limit)
      if (after) query = query.where(pastKeyset('like.created_at', 'like.uri', after, 'desc'))
      const rows = await query.execute()
      const actors = await hydrateActors(
        ctx.db,
        rows.map((r) => r.did),
      )
      const likes = rows.flatMap((row) => {
        const actor = actors.get(row.did)
        return actor ? [presentLike(row, actor)] : []
      })
      return {
        encoding: 'application/json',
        body: {
          uri: params.uri,
          likes,
          ...nextCursor(rows, limit, (r) => [r.created_at, r.uri]),
        },
      }
    },
  })
}
