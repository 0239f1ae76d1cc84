import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { resolveActor } from '../../../../pipeline/actor.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { listViews } from '../../../../pipeline/lists.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { visibleLists } from '../../../../pipeline/visible.js'

/** Without a listType: what a profile shows, albums and playlists. */
const DEFAULT_TYPES = ['album', 'playlist']

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getActorLists.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const limit = params.limit ?? 50
      const after = decodeKeyset(params.cursor)
      const { actor } = await resolveActor(reader, params.actor)
      // skeleton: one query over (did, created_at desc, uri desc)
      let query = visibleLists(reader)
        .select(['list.uri', 'list.created_at'])
        .where('list.did', '=', actor.did)
        .where('list.list_type', 'in', params.listType ? [params.listType] : DEFAULT_TYPES)
        .orderBy('list.created_at', 'desc')
        .orderBy('list.uri', 'desc')
        .limit(limit)
      if (after) query = query.where(pastKeyset('list.created_at', 'list.uri', after, 'desc'))
      const skeleton = await query.execute()
      return {
        encoding: 'application/json',
        body: {
          lists: await listViews(
            reader,
            skeleton.map((s) => s.uri),
          ),
          ...nextCursor(skeleton, limit, (s) => [s.created_at, s.uri]),
        },
      }
    },
  })
}
