import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { AppContext } from '../../../../context.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { visibleTracks } from '../../../../pipeline/visible.js'

/** Totals over the visible tracks, in one query. No plays: they are not recorded yet. */
export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.stats.getPlatformStats.main, {
    handler: async () => {
      const totals = await visibleTracks(readerFor(ctx))
        .select([
          sql<number>`count(*)::int`.as('trackCount'),
          sql<number>`count(distinct "track"."did")::int`.as('artistCount'),
          // bigint, read as a number: exact up to 2^53 seconds
          sql<number>`coalesce(sum("track"."duration"), 0)::bigint`.as('audioSeconds'),
        ])
        .executeTakeFirstOrThrow()
      return { encoding: 'application/json', body: totals }
    },
  })
}
