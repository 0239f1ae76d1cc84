import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { normalizeTag } from '@plyr/core'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { newestTracksPage } from '../../../../pipeline/newest-tracks.js'
import { serializeOutput } from '../../../../pipeline/page-cache.js'
import { readerFor } from '../../../../pipeline/reader.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLatestTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const tag = params.tag === undefined ? undefined : normalizeTag(params.tag)
      if (tag === '') throw new InvalidRequestError('tag is blank')
      const page = { limit: params.limit ?? 50, cursor: params.cursor, tag }
      if (reader.viewer !== null) {
        return { encoding: 'application/json', body: await newestTracksPage(reader, page) }
      }
      // the same for every anonymous reader: built once per FEED_CACHE_MS, however many ask
      const key = JSON.stringify([page.limit, page.tag, page.cursor])
      const buffer = await ctx.feedCache.get(key, async () =>
        serializeOutput(fm.plyr.feed.getLatestTracks.main, await newestTracksPage(reader, page)),
      )
      return { encoding: 'application/json', buffer }
    },
  })
}
