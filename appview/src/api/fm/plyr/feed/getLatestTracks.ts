import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { newestTracksPage } from '../../../../pipeline/newest-tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLatestTracks.main, async ({ params }) => ({
    encoding: 'application/json',
    body: await newestTracksPage(ctx.db, { limit: params.limit ?? 50, cursor: params.cursor }),
  }))
}
