import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { trackViews } from '../../../../pipeline/tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTrack.main, async ({ params }) => {
    const [track] = await trackViews(ctx.db, [params.uri])
    if (!track) throw new InvalidRequestError(`track not found: ${params.uri}`, 'TrackNotFound')
    return { encoding: 'application/json', body: { track } }
  })
}
