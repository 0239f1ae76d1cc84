import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { AppContext } from '../../../../context.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { visibleTracks } from '../../../../pipeline/visible.js'

/**
 * Totals over the visible tracks, in one query. Plays are the tracks' play counts, each
 * equal to its play rows (recomputed from them with every play), summed.
 */
export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.stats.getPlatformStats.main, {
    handler: async () => {
      const totals = await visibleTracks(readerFor(ctx))
        .leftJoin('track_count', 'track_count.uri', 'track.uri')
        .select([
          sql<number>`count(*)::int`.as('trackCount'),
          sql<number>`count(distinct "track"."did")::int`.as('artistCount'),
          // bigint, read as a number: exact up to 2^53 seconds
          sql<number>`coalesce(sum("track"."duration"), 0)::bigint`.as('audioSeconds'),
          sql<number>`coalesce(sum("track_count"."play_count"), 0)::bigint`.as('playCount'),
        ])
        .executeTakeFirstOrThrow()
      return { encoding: 'application/json', body: totals }
    },
  })
}
