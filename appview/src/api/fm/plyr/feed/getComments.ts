import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrateActors } from '../../../../hydration/actors.js'
import { hydrateLabels } from '../../../../hydration/labels.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { requireVisibleTrack } from '../../../../pipeline/tracks.js'
import { visibility } from '../../../../rules/visibility.js'
import { presentComment } from '../../../../views/comment.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getComments.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const limit = params.limit ?? 50
      const after = decodeKeyset(params.cursor)
      // the track must be visible: TrackNotFound / TrackTakenDown otherwise
      await requireVisibleTrack(reader, params.uri)
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
      const dids = rows.map((r) => r.did)
      const [authors, labels] = await Promise.all([
        hydrateActors(ctx.db, dids),
        hydrateLabels(ctx.db, reader.labelers, [...rows.map((r) => r.uri), ...dids]),
      ])
      const comments = rows.flatMap((row) => {
        const author = authors.get(row.did)
        return author && !visibility(author, labels, row.uri) ? [presentComment(row, author)] : []
      })
      return {
        encoding: 'application/json',
        body: { comments, ...nextCursor(rows, limit, (r) => [r.timestamp_ms, r.uri]) },
      }
    },
  })
}
