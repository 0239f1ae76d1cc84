import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { normalizeTag } from '@plyr/core'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { tracksNewestFirst } from '../../../../pipeline/keysets.js'
import { serializeOutput } from '../../../../pipeline/page-cache.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { type TrackPage, trackPage } from '../../../../pipeline/track-page.js'
import { newestTracks } from '../../../../skeleton/newest-tracks.js'

type Params = { limit: number; cursor?: string; tag?: string }
type Input = ReadInput<Params>

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLatestTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const tag = params.tag === undefined ? undefined : normalizeTag(params.tag)
      if (tag === '') throw new InvalidRequestError('tag is blank')
      const input = { params: { limit: params.limit ?? 50, cursor: params.cursor, tag }, reader }
      if (reader.viewer !== null) {
        return { encoding: 'application/json', body: await getLatestTracks(input) }
      }
      // the same for every anonymous reader: built once per FEED_CACHE_MS, however many ask
      const key = JSON.stringify([input.params.limit, tag, params.cursor])
      const buffer = await ctx.feedCache.get(key, async () =>
        serializeOutput(fm.plyr.feed.getLatestTracks.main, await getLatestTracks(input)),
      )
      return { encoding: 'application/json', buffer }
    },
  })
}

/** Every visible artist's tracks, newest first, optionally of one tag. */
const getLatestTracks = createPipeline({ skeleton, ...trackPage })

async function skeleton({ params, reader }: Input): Promise<TrackPage> {
  const after = tracksNewestFirst.decode(params.cursor)
  return newestTracks(reader, { after, limit: params.limit, tag: params.tag })
}
