import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { requireVisible, type RuledState } from '../../../../rules/apply.js'
import { actorDid } from '../../../../skeleton/actor.js'
import { presentProfile } from '../../../../views/profile.js'

type Input = ReadInput<fm.plyr.actor.getProfile.$Params>
type Skeleton = { actor: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.getProfile.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getProfile({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** An account's profile: ActorNotFound or ActorTakenDown when it cannot be shown. */
export const getProfile = createPipeline({ skeleton, hydration, rules, presentation })

async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  return { actor: await actorDid(reader, params.actor) }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { actors: [skeleton.actor], profileCounts: skeleton.actor })
}

function rules({ params }: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  requireVisible(state, 'Actor', skeleton.actor, params.actor)
  return skeleton
}

function presentation(_input: Input, skeleton: Skeleton, state: RuledState) {
  return { profile: presentProfile(skeleton.actor, state)! }
}
