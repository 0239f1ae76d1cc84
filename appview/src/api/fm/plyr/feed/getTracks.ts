import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { trackViews } from '../../../../pipeline/tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTracks.main, async ({ params }) => ({
    encoding: 'application/json',
    body: { tracks: await trackViews(ctx.db, [...new Set(params.uris)]) },
  }))
}
