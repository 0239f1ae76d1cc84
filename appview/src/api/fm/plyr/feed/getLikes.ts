import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate, type LikeRow } from '../../../../hydration/hydrator.js'
import { likesNewestFirst } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { isVisible, requireVisible, type RuledState } from '../../../../rules/apply.js'
import { notLabelledHidden } from '../../../../rules/visibility.js'
import { isNewestLikeOfPair } from '../../../../skeleton/newest-like.js'
import { presentLike } from '../../../../views/like.js'

type Input = ReadInput<fm.plyr.feed.getLikes.$Params>
type Skeleton = { track: string; likes: LikeRow[]; cursor?: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLikes.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getLikes({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** Who likes a visible track, most recent first. */
const getLikes = createPipeline({ skeleton, hydration, rules, presentation })

/**
 * One query over (subject_uri, created_at desc, uri desc): likes by visible accounts only,
 * each account once (its newest like, as the like count counts it once).
 */
async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const limit = params.limit ?? 50
  const after = likesNewestFirst.decode(params.cursor)
  const query = reader.db
    .selectFrom('like')
    .innerJoin('actor', 'actor.did', 'like.did')
    .select(['like.uri', 'like.did', 'like.created_at', 'like.indexed_at'])
    .where('like.subject_uri', '=', params.uri)
    .where('actor.status', '=', 'active')
    .where(notLabelledHidden(reader.labelers, 'like.uri', 'like.did'))
    .where(isNewestLikeOfPair)
  const likes = await likesNewestFirst.page(query, after, limit).execute()
  return { track: params.uri, likes, ...likesNewestFirst.next(likes, limit) }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { tracks: [skeleton.track], likes: skeleton.likes })
}

function rules(_input: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  // TrackNotFound / TrackTakenDown unless the track can be shown
  requireVisible(state, 'Track', skeleton.track)
  return { ...skeleton, likes: skeleton.likes.filter((l) => isVisible(state, l.uri)) }
}

function presentation({ params }: Input, skeleton: Skeleton, state: RuledState) {
  return {
    uri: params.uri,
    likes: skeleton.likes.flatMap((l) => presentLike(l.uri, state) ?? []),
    ...(skeleton.cursor ? { cursor: skeleton.cursor } : {}),
  }
}
