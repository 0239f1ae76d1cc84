import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { topTracksPage } from '../../../../pipeline/top-tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTopTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await topTracksPage(readerFor(ctx, auth), {
        period: params.period ?? 'week',
        limit: params.limit ?? 50,
        cursor: params.cursor,
      }),
    }),
  })
}
