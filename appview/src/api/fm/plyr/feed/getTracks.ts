import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { trackViews } from '../../../../pipeline/tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: { tracks: await trackViews(readerFor(ctx, auth), [...new Set(params.uris)]) },
    }),
  })
}
