import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { likesNewestFirst } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { trackPage } from '../../../../pipeline/track-page.js'
import { keepVisible, requireVisible, type RuledState } from '../../../../rules/apply.js'
import { visibleTracks } from '../../../../rules/visibility.js'
import { actorDid } from '../../../../skeleton/actor.js'
import { isNewestLikeOfPair } from '../../../../skeleton/newest-like.js'

type Input = ReadInput<fm.plyr.feed.getActorLikes.$Params>
type Skeleton = { liker: string; tracks: string[]; cursor?: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getActorLikes.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getActorLikes({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** The tracks an account likes, most recently liked first. */
const getActorLikes = createPipeline({
  skeleton,
  hydration,
  rules,
  presentation: trackPage.presentation,
})

/**
 * The account's likes over (did, created_at desc, uri desc), keeping only visible tracks
 * (a page is full whenever more likes follow) and, of a track liked more than once, only
 * the newest like (each track appears once).
 */
async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const limit = params.limit ?? 50
  const after = likesNewestFirst.decode(params.cursor)
  const liker = await actorDid(reader, params.actor)
  const query = visibleTracks(reader)
    .innerJoin('like', 'like.subject_uri', 'track.uri')
    .select(['like.uri', 'like.created_at', 'like.subject_uri'])
    .where('like.did', '=', liker)
    .where(isNewestLikeOfPair)
  const rows = await likesNewestFirst.page(query, after, limit).execute()
  return { liker, tracks: rows.map((r) => r.subject_uri), ...likesNewestFirst.next(rows, limit) }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { actors: [skeleton.liker], tracks: skeleton.tracks })
}

function rules({ params }: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  // ActorNotFound / ActorTakenDown when the account is unknown or hidden
  requireVisible(state, 'Actor', skeleton.liker, params.actor)
  return { ...skeleton, tracks: keepVisible(state, skeleton.tracks) }
}
