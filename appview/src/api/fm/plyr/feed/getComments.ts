import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { type CommentRow, hydrate } from '../../../../hydration/hydrator.js'
import { commentsInPlaybackOrder } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { isVisible, requireVisible, type RuledState } from '../../../../rules/apply.js'
import { presentComment } from '../../../../views/comment.js'

type Input = ReadInput<fm.plyr.feed.getComments.$Params>
type Skeleton = { track: string; comments: CommentRow[]; cursor?: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getComments.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getComments({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** A visible track's comments, in playback order. */
const getComments = createPipeline({ skeleton, hydration, rules, presentation })

/** One query over (subject_uri, timestamp_ms, uri). */
async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const limit = params.limit ?? 50
  const after = commentsInPlaybackOrder.decode(params.cursor)
  const query = reader.db.selectFrom('comment').selectAll().where('subject_uri', '=', params.uri)
  const comments = await commentsInPlaybackOrder.page(query, after, limit).execute()
  return { track: params.uri, comments, ...commentsInPlaybackOrder.next(comments, limit) }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { tracks: [skeleton.track], comments: skeleton.comments })
}

function rules(_input: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  // TrackNotFound / TrackTakenDown unless the track can be shown
  requireVisible(state, 'Track', skeleton.track)
  return { ...skeleton, comments: skeleton.comments.filter((c) => isVisible(state, c.uri)) }
}

function presentation(_input: Input, skeleton: Skeleton, state: RuledState) {
  return {
    comments: skeleton.comments.flatMap((c) => presentComment(c.uri, state) ?? []),
    ...(skeleton.cursor ? { cursor: skeleton.cursor } : {}),
  }
}
