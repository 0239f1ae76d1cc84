import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { resolveActor } from '../../../../pipeline/actor.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { isNewestLikeOfPair } from '../../../../pipeline/newest-like.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { trackViews } from '../../../../pipeline/tracks.js'
import { visibleTracks } from '../../../../pipeline/visible.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getActorLikes.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const limit = params.limit ?? 50
      const after = decodeKeyset(params.cursor)
      const { actor: liker } = await resolveActor(reader, params.actor)
      // skeleton: the actor's likes over (did, created_at desc, uri desc), keeping only
      // visible tracks (a page is full whenever more likes follow) and, of a track liked
      // more than once, only the newest like (each track appears once)
      let query = visibleTracks(reader)
        .innerJoin('like', 'like.subject_uri', 'track.uri')
        .select(['like.uri', 'like.created_at', 'like.subject_uri'])
        .where('like.did', '=', liker.did)
        .where(isNewestLikeOfPair)
        .orderBy('like.created_at', 'desc')
        .orderBy('like.uri', 'desc')
        .limit(limit)
      if (after) query = query.where(pastKeyset('like.created_at', 'like.uri', after, 'desc'))
      const skeleton = await query.execute()
      return {
        encoding: 'application/json',
        body: {
          tracks: await trackViews(
            reader,
            skeleton.map((s) => s.subject_uri),
          ),
          ...nextCursor(skeleton, limit, (s) => [s.created_at, s.uri]),
        },
      }
    },
  })
}
