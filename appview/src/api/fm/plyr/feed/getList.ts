import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrateActors } from '../../../../hydration/actors.js'
import { trackViews } from '../../../../pipeline/tracks.js'
import { presentList } from '../../../../views/list.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getList.main, async ({ params }) => {
    const list = await ctx.db
      .selectFrom('list')
      .selectAll()
      .where('uri', '=', params.uri)
      .executeTakeFirst()
    const creator = list && (await hydrateActors(ctx.db, [list.did])).get(list.did)
    if (!list || creator?.status !== 'active') {
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
      ctx.db,
      items.map((i) => i.subject_uri),
    )
    return {
      encoding: 'application/json',
      body: { list: presentList(list, creator, items.length), tracks },
    }
  })
}
