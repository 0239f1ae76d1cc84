import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { normalizeTag } from '@plyr/indexer'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { newestTracksPage } from '../../../../pipeline/newest-tracks.js'
import { readerFor } from '../../../../pipeline/reader.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getLatestTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const tag = params.tag === undefined ? undefined : normalizeTag(params.tag)
      if (tag === '') throw new InvalidRequestError('tag is blank')
      return {
        encoding: 'application/json',
        body: await newestTracksPage(readerFor(ctx, auth), {
          limit: params.limit ?? 50,
          cursor: params.cursor,
          tag,
        }),
      }
    },
  })
}
