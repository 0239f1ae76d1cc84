import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { type TrackPage, trackPage } from '../../../../pipeline/track-page.js'

type Input = ReadInput<fm.plyr.feed.getTracks.$Params>

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getTracks({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** Tracks by uri, in the order asked, each once; those that cannot be shown left out. */
const getTracks = createPipeline({ skeleton, ...trackPage })

async function skeleton({ params }: Input): Promise<TrackPage> {
  return { tracks: [...new Set(params.uris)] }
}
