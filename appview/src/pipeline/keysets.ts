import { InvalidRequestError } from '@atproto/xrpc-server'
import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'

/**
 * Every order a list pages in, each a named object: its sort key and the type of that key,
 * its unique tiebreak, its direction. One object orders a skeleton query, starts it past a
 * cursor and limits it (`page`), and builds the next page's cursor from the rows (`next`).
 *
 * A cursor is `<key>::<tiebreak>`: the last row's sort key (epoch ms for a time, or a
 * count) and its tiebreak (a record's uri, or a name such as a tag). A cursor that does not
 * parse is the caller's error, `InvalidCursor`. Clients keep the cursors they were given,
 * so this format never changes.
 */
export class Keyset<Row> {
  constructor(
    private readonly spec: {
      /** The sort key: a column, or an aggregate (then the keyset condition is a `having`). */
      key: string | { aggregate: RawBuilder<unknown> }
      /** A time is sent as epoch ms and compared as a timestamp; a number as itself. */
      keyType: 'time' | 'number'
      /** The unique tiebreak's column. */
      tiebreak: string
      /** What ties break on: record uris (`at://…`), or non-empty names. */
      tiebreakType: 'uri' | 'name'
      direction: 'asc' | 'desc'
      /** A page row's sort key and tiebreak. */
      of: (row: Row) => [number | Date, string]
    },
  ) {}

  /** A request's cursor, or InvalidCursor: checked before any query runs. */
  decode(cursor: string | undefined): Position | undefined {
    if (cursor === undefined) return undefined
    const sep = cursor.indexOf('::')
    const key = Number(cursor.slice(0, sep))
    const id = cursor.slice(sep + 2)
    const idOk = this.spec.tiebreakType === 'uri' ? id.startsWith('at://') : id.length > 0
    if (sep <= 0 || !Number.isSafeInteger(key) || !idOk) {
      throw new InvalidRequestError('malformed cursor', 'InvalidCursor')
    }
    return { key, id }
  }

  /**
   * The query ordered by this keyset, past `after` when there is a cursor, limited to
   * `limit` rows. The condition is a row comparison, `(key, tiebreak) < (…)` descending and
   * `>` ascending, which the index the query walks serves.
   */
  page<DB, TB extends keyof DB, O>(
    query: SelectQueryBuilder<DB, TB, O>,
    after: Position | undefined,
    limit: number,
  ): SelectQueryBuilder<DB, TB, O> {
    const { key, tiebreak, direction } = this.spec
    const keyExpr = typeof key === 'string' ? sql.ref(key) : key.aggregate
    let paged = query.orderBy(keyExpr, direction).orderBy(sql.ref(tiebreak), direction).limit(limit)
    if (after) {
      const value = this.spec.keyType === 'time' ? new Date(after.key) : after.key
      const op = sql.raw(direction === 'desc' ? '<' : '>')
      const past = sql<boolean>`(${keyExpr}, ${sql.ref(tiebreak)}) ${op} (${value}, ${after.id})`
      paged = typeof key === 'string' ? paged.where(past) : paged.having(past)
    }
    return paged
  }

  /** The next page's cursor: present only when this page came back full. */
  next(rows: Row[], limit: number): { cursor?: string } {
    const last = rows.length === limit ? rows.at(-1) : undefined
    if (!last) return {}
    const [key, id] = this.spec.of(last)
    return { cursor: `${key instanceof Date ? key.getTime() : key}::${id}` }
  }
}

/** Where a page starts: the sort key and tiebreak of the last row served. */
export type Position = { key: number; id: string }

/** Tracks, newest first (getLatestTracks, getArtistTracks). */
export const tracksNewestFirst = new Keyset<{ sort_at: Date; uri: string }>({
  key: 'track.sort_at',
  keyType: 'time',
  tiebreak: 'track.uri',
  tiebreakType: 'uri',
  direction: 'desc',
  of: (row) => [row.sort_at, row.uri],
})

/** Likes, newest first (getLikes of a track, getActorLikes of an account). */
export const likesNewestFirst = new Keyset<{ created_at: Date; uri: string }>({
  key: 'like.created_at',
  keyType: 'time',
  tiebreak: 'like.uri',
  tiebreakType: 'uri',
  direction: 'desc',
  of: (row) => [row.created_at, row.uri],
})

/** An account's lists, newest first (getActorLists). */
export const listsNewestFirst = new Keyset<{ created_at: Date; uri: string }>({
  key: 'list.created_at',
  keyType: 'time',
  tiebreak: 'list.uri',
  tiebreakType: 'uri',
  direction: 'desc',
  of: (row) => [row.created_at, row.uri],
})

/** A track's comments in playback order: by their position in the track (getComments). */
export const commentsInPlaybackOrder = new Keyset<{ timestamp_ms: number; uri: string }>({
  key: 'comment.timestamp_ms',
  keyType: 'number',
  tiebreak: 'comment.uri',
  tiebreakType: 'uri',
  direction: 'asc',
  of: (row) => [row.timestamp_ms, row.uri],
})

/** Tracks by their stored like count, most liked first (getTopTracks over `all`). */
export const tracksByLikeCount = new Keyset<{ likes: number; uri: string }>({
  key: 'track_count.like_count',
  keyType: 'number',
  tiebreak: 'track_count.uri',
  tiebreakType: 'uri',
  direction: 'desc',
  of: (row) => [row.likes, row.uri],
})

/**
 * Tracks by the likes counted in a window, most liked first (getTopTracks over a day,
 * week or month): the query names its counts `counts`.
 */
export const tracksByWindowLikes = new Keyset<{ likes: number; uri: string }>({
  key: 'counts.likes',
  keyType: 'number',
  tiebreak: 'track.uri',
  tiebreakType: 'uri',
  direction: 'desc',
  of: (row) => [row.likes, row.uri],
})

/**
 * Tags, most used first, then alphabetical (getTags): the key is the negated count of the
 * query's group, ascending, so one direction serves both.
 */
export const tagsByUse = new Keyset<{ n: number; tag: string }>({
  key: { aggregate: sql`-count(*)` },
  keyType: 'number',
  tiebreak: 'track_tag.tag',
  tiebreakType: 'name',
  direction: 'asc',
  of: (row) => [-row.n, row.tag],
})
