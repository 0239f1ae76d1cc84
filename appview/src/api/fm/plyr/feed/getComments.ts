import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrateActors } from '../../../../hydration/actors.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { trackViews } from '../../../../pipeline/tracks.js'
import { presentComment } from '../../../../views/comment.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getComments.main, async ({ params }) => {
    const limit = params.limit ?? 50
    const after = decodeKeyset(params.cursor)
    const [track] = await trackViews(ctx.db, [params.uri])
    if (!track) throw new InvalidRequestError(`track not found: ${params.uri}`, 'TrackNotFound')
    // skeleton: one query over (subject_uri, timestamp_ms, uri), in playback order
    let query = ctx.db
      .selectFrom('comment')
      .selectAll()
      .where('subject_uri', '=', params.uri)
      .orderBy('timestamp_ms', 'asc')
      .orderBy('uri', 'asc')
      .limit(limit)
    if (after) query = query.where(pastKeyset('timestamp_ms', 'uri', after, 'asc', 'number'))
    const rows = await query.execute()
    const authors = await hydrateActors(
      ctx.db,
      rows.map((r) => r.did),
    )
    const comments = rows.flatMap((row) => {
      const author = authors.get(row.did)
      return author?.status === 'active' ? [presentComment(row, author)] : []
    })
    return {
      encoding: 'application/json',
      body: { comments, ...nextCursor(rows, limit, (r) => [r.timestamp_ms, r.uri]) },
    }
  })
}
