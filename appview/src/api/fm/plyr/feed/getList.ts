import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { hiddenError, recordVisibility } from '../../../../pipeline/record-visibility.js'
import { trackViews } from '../../../../pipeline/tracks.js'
import { presentList } from '../../../../views/list.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getList.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const list = await ctx.db
        .selectFrom('list')
        .selectAll()
        .where('uri', '=', params.uri)
        .executeTakeFirst()
      if (!list) throw hiddenError('List', 'not-found', params.uri)
      const { author: creator, hidden } = await recordVisibility(reader, list.uri, list.did)
      if (hidden || !creator) throw hiddenError('List', hidden ?? 'not-found', params.uri)
      const items = await ctx.db
        .selectFrom('list_item')
        .select('subject_uri')
        .where('list_uri', '=', list.uri)
        .orderBy('position')
        .execute()
      // a list holds at most 500 items (lexicon): one page, in the record's order
      const tracks = await trackViews(
        reader,
        items.map((i) => i.subject_uri),
      )
      return {
        encoding: 'application/json',
        body: { list: presentList(list, creator, items.length), tracks },
      }
    },
  })
}
