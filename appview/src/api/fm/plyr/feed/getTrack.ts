import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { requireVisible, type RuledState } from '../../../../rules/apply.js'
import { presentTrack } from '../../../../views/track.js'

type Input = ReadInput<fm.plyr.feed.getTrack.$Params>
type Skeleton = { track: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTrack.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getTrack({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** One track: TrackNotFound or TrackTakenDown when it cannot be shown. */
export const getTrack = createPipeline({ skeleton, hydration, rules, presentation })

async function skeleton({ params }: Input): Promise<Skeleton> {
  return { track: params.uri }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { tracks: [skeleton.track] })
}

function rules(_input: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  requireVisible(state, 'Track', skeleton.track)
  return skeleton
}

function presentation({ reader }: Input, skeleton: Skeleton, state: RuledState) {
  return { track: presentTrack(skeleton.track, state, reader.publicUrl)! }
}
