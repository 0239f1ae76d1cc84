import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrateActors } from '../../../../hydration/actors.js'
import { hydrateLabels } from '../../../../hydration/labels.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { trackViews } from '../../../../pipeline/tracks.js'
import { visibility } from '../../../../rules/visibility.js'
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
      const [creators, labels] = list
        ? await Promise.all([
            hydrateActors(ctx.db, [list.did]),
            hydrateLabels(ctx.db, reader.labelers, [list.uri, list.did]),
          ])
        : [new Map(), new Map()]
      const creator = list && creators.get(list.did)
      const hidden = list ? visibility(creator, labels, list.uri) : 'not-found'
      if (hidden === 'taken-down') {
        throw new InvalidRequestError(`list taken down: ${params.uri}`, 'ListTakenDown')
      }
      if (hidden || !list || !creator) {
        throw new InvalidRequestError(`list not found: ${params.uri}`, 'ListNotFound')
      }
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
