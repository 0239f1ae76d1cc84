import { sql } from 'kysely'
import { decodeKeyset, nextCursor, pastKeyset } from './cursor.js'
import type { Reader } from './reader.js'
import { trackViews } from './tracks.js'
import { visibleTracks } from './visible.js'

type Period = 'day' | 'week' | 'month' | 'all'

const DAY_MS = 24 * 60 * 60 * 1000
const WINDOW_MS: Record<Exclude<Period, 'all'>, number> = {
  day: DAY_MS,
  week: 7 * DAY_MS,
  month: 30 * DAY_MS,
}

/**
 * A page of the most liked visible tracks, most likes first, ties broken by uri (desc).
 * Over `all` the skeleton walks the stored like counts (track_count_like_idx). Within a
 * period it counts, per track, the accounts whose like was created in the window ending
 * now (like_created_idx, read alone), then keeps the visible tracks: still one query.
 * The cursor is (count, uri); see the lexicon for what moving counts do to pages.
 */
export async function topTracksPage(
  reader: Reader,
  opts: { period: Period; limit: number; cursor?: string },
) {
  const after = decodeKeyset(opts.cursor)
  const skeleton =
    opts.period === 'all'
      ? await allTimeSkeleton(reader, opts.limit, after)
      : await windowSkeleton(reader, WINDOW_MS[opts.period], opts.limit, after)
  return {
    tracks: await trackViews(
      reader,
      skeleton.map((s) => s.uri),
    ),
    ...nextCursor(skeleton, opts.limit, (s) => [s.likes, s.uri]),
  }
}

type Skeleton = { uri: string; likes: number }[]
type After = ReturnType<typeof decodeKeyset>

function allTimeSkeleton(reader: Reader, limit: number, after: After): Promise<Skeleton> {
  let query = visibleTracks(reader)
    .innerJoin('track_count', 'track_count.uri', 'track.uri')
    .select(['track.uri', 'track_count.like_count as likes'])
    .where('track_count.like_count', '>', 0)
    .orderBy('track_count.like_count', 'desc')
    .orderBy('track_count.uri', 'desc')
    .limit(limit)
  if (after) {
    query = query.where(
      pastKeyset('track_count.like_count', 'track_count.uri', after, 'desc', 'number'),
    )
  }
  return query.execute()
}

function windowSkeleton(
  reader: Reader,
  windowMs: number,
  limit: number,
  after: After,
): Promise<Skeleton> {
  const now = new Date()
  // a like dated in the future is in no window
  const counts = reader.db
    .selectFrom('like')
    .select(['like.subject_uri', sql<number>`count(distinct "like"."did")::int`.as('likes')])
    .where('like.created_at', '>', new Date(now.getTime() - windowMs))
    .where('like.created_at', '<=', now)
    .groupBy('like.subject_uri')
  let query = visibleTracks(reader)
    .innerJoin(counts.as('counts'), 'counts.subject_uri', 'track.uri')
    .select(['track.uri', 'counts.likes'])
    .orderBy('counts.likes', 'desc')
    .orderBy('track.uri', 'desc')
    .limit(limit)
  if (after) query = query.where(pastKeyset('counts.likes', 'track.uri', after, 'desc', 'number'))
  return query.execute()
}
