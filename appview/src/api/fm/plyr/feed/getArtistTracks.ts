import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { resolveActor } from '../../../../pipeline/actor.js'
import { newestTracksPage } from '../../../../pipeline/newest-tracks.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getArtistTracks.main, async ({ params }) => {
    const artist = await resolveActor(ctx.db, params.actor)
    return {
      encoding: 'application/json',
      body: await newestTracksPage(ctx.db, {
        limit: params.limit ?? 50,
        cursor: params.cursor,
        did: artist.did,
      }),
    }
  })
}
