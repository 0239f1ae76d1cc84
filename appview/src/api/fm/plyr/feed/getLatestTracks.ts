import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { newestTracksPage } from '../../../../pipeline/newest-tracks.js'
import { readerFor } from '../../../../pipeline/reader.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLatestTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await newestTracksPage(readerFor(ctx, auth), {
        limit: params.limit ?? 50,
        cursor: params.cursor,
      }),
    }),
  })
}
