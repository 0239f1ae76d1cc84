import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { resolveActor } from '../../../../pipeline/actor.js'
import { profileCounts } from '../../../../pipeline/profile-counts.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { presentProfile } from '../../../../views/profile.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.getProfile.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      // ActorNotFound / ActorTakenDown when the actor is unknown or hidden
      const { actor, labels } = await resolveActor(reader, params.actor)
      const counts = await profileCounts(reader, actor.did)
      return {
        encoding: 'application/json',
        body: {
          profile: presentProfile(actor, {
            counts,
            labels,
          }),
        },
      }
    },
  })
}
