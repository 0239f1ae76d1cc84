import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { resolveActor } from '../../../../pipeline/actor.js'
import { newestTracksPage } from '../../../../pipeline/newest-tracks.js'
import { readerFor } from '../../../../pipeline/reader.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getArtistTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const { actor: artist } = await resolveActor(reader, params.actor)
      return {
        encoding: 'application/json',
        body: await newestTracksPage(reader, {
          limit: params.limit ?? 50,
          cursor: params.cursor,
          did: artist.did,
        }),
      }
    },
  })
}
