import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { AppContext } from '../../../../context.js'
import { tracksByLikeCount, tracksByWindowLikes } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { type Reader, readerFor } from '../../../../pipeline/reader.js'
import { type TrackPage, trackPage } from '../../../../pipeline/track-page.js'
import { visibleTracks } from '../../../../rules/visibility.js'

type Input = ReadInput<fm.plyr.feed.getTopTracks.$Params>

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTopTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getTopTracks({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/**
 * The most liked visible tracks, most likes first, ties broken by uri (desc). Over `all`
 * the skeleton walks the stored like counts (track_count_like_idx). Within a period it
 * counts, per track, the accounts whose like was created in the window ending now
 * (like_created_idx, read alone), then keeps the visible tracks: still one query. The
 * cursor is (count, uri); see the lexicon for what moving counts do to pages.
 */
const getTopTracks = createPipeline({ skeleton, ...trackPage })

const DAY_MS = 24 * 60 * 60 * 1000
const WINDOW_MS = { day: DAY_MS, week: 7 * DAY_MS, month: 30 * DAY_MS }

async function skeleton({ params, reader }: Input): Promise<TrackPage> {
  const limit = params.limit ?? 50
  const period = params.period ?? 'week'
  const keyset = period === 'all' ? tracksByLikeCount : tracksByWindowLikes
  const after = keyset.decode(params.cursor)
  const rows =
    period === 'all'
      ? await tracksByLikeCount.page(allTime(reader), after, limit).execute()
      : await tracksByWindowLikes.page(inWindow(reader, WINDOW_MS[period]), after, limit).execute()
  return { tracks: rows.map((r) => r.uri), ...keyset.next(rows, limit) }
}

function allTime(reader: Reader) {
  return visibleTracks(reader)
    .innerJoin('track_count', 'track_count.uri', 'track.uri')
    .select(['track.uri', 'track_count.like_count as likes'])
    .where('track_count.like_count', '>', 0)
}

function inWindow(reader: Reader, windowMs: number) {
  const now = new Date()
  // a like dated in the future is in no window
  const counts = reader.db
    .selectFrom('like')
    .select(['like.subject_uri', sql<number>`count(distinct "like"."did")::int`.as('likes')])
    .where('like.created_at', '>', new Date(now.getTime() - windowMs))
    .where('like.created_at', '<=', now)
    .groupBy('like.subject_uri')
  return visibleTracks(reader)
    .innerJoin(counts.as('counts'), 'counts.subject_uri', 'track.uri')
    .select(['track.uri', 'counts.likes'])
}
