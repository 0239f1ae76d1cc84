import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { visibleTracks } from '../../../../rules/visibility.js'

type Input = ReadInput<Record<string, never>>
type Skeleton = fm.plyr.stats.getPlatformStats.$OutputBody

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.stats.getPlatformStats.main, {
    handler: async () => ({
      encoding: 'application/json',
      body: await getPlatformStats({ params: {}, reader: readerFor(ctx) }),
    }),
  })
}

/**
 * Totals over the visible tracks. The skeleton is the whole answer: nothing to hydrate,
 * and the visibility rule was applied as the tracks were counted.
 */
const getPlatformStats = createPipeline({ skeleton, hydration, rules, presentation })

/**
 * One query. Plays are the tracks' play counts, each equal to its play rows (recomputed
 * from them with every play), summed.
 */
async function skeleton({ reader }: Input): Promise<Skeleton> {
  return visibleTracks(reader)
    .leftJoin('track_count', 'track_count.uri', 'track.uri')
    .select([
      sql<number>`count(*)::int`.as('trackCount'),
      sql<number>`count(distinct "track"."did")::int`.as('artistCount'),
      // bigint, read as a number: exact up to 2^53 seconds
      sql<number>`coalesce(sum("track"."duration"), 0)::bigint`.as('audioSeconds'),
      sql<number>`coalesce(sum("track_count"."play_count"), 0)::bigint`.as('playCount'),
    ])
    .executeTakeFirstOrThrow()
}

function hydration({ reader }: Input) {
  return hydrate(reader, {})
}

function rules(_input: Input, skeleton: Skeleton): Skeleton {
  return skeleton
}

function presentation(_input: Input, skeleton: Skeleton) {
  return skeleton
}
