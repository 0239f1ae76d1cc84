import type { Server } from '@atproto/xrpc-server'
import { normalizeTag } from '@plyr/core'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { AppContext } from '../../../../context.js'
import { decodeKeyset, nextCursor, pastKeyset } from '../../../../pipeline/cursor.js'
import { escapeLike } from '../../../../pipeline/like-pattern.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { visibleTracks } from '../../../../pipeline/visible.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTags.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const limit = params.limit ?? 50
      // most used first, then alphabetical: the keyset is (-count, tag), ascending
      const after = decodeKeyset(params.cursor, 'name')
      const prefix = normalizeTag(params.q ?? '')
      // one query: the visible tracks' tags, counted; a prefix narrows it by the tag's
      // trigram index
      let query = visibleTracks(reader)
        .innerJoin('track_tag', 'track_tag.track_uri', 'track.uri')
        .select(['track_tag.tag', sql<number>`count(*)::int`.as('n')])
        .groupBy('track_tag.tag')
        .orderBy('n', 'desc')
        .orderBy('track_tag.tag', 'asc')
        .limit(limit)
      if (prefix) query = query.where('track_tag.tag', 'like', `${escapeLike(prefix)}%`)
      if (after) {
        query = query.having(pastKeyset(sql`-count(*)`, 'track_tag.tag', after, 'asc', 'number'))
      }
      const rows = await query.execute()
      return {
        encoding: 'application/json',
        body: {
          tags: rows.map((r) => ({ name: r.tag, trackCount: r.n })),
          ...nextCursor(rows, limit, (r) => [-r.n, r.tag]),
        },
      }
    },
  })
}
