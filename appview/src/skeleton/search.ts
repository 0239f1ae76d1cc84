import { type RawBuilder, type SelectQueryBuilder, sql } from 'kysely'
import type { Reader } from '../pipeline/reader.js'
import { notLabelledHidden, visibleLists, visibleTracks } from '../rules/visibility.js'
import { escapeLike } from './like-pattern.js'

type SearchKind = 'track' | 'artist' | 'album' | 'playlist' | 'tag'

/** One search result before hydration: what it is, how well it matched, its popularity. */
export type SearchHit = {
  kind: SearchKind
  /** A track or list uri, an artist's DID, or a tag. */
  id: string
  /** 0 exact, 1 prefix, 2 substring, 3 fuzzy. */
  tier: number
  /** Trigram word similarity of the query to the name, 0..1. */
  score: number
  /** Likes of a track, tracks of a tag; null for the other kinds. */
  n: number | null
}

/**
 * How close a name must be for a fuzzy match (pg_trgm word similarity). Postgres' default
 * of 0.6 misses a dropped letter in a short word ("aurra" is 0.5 from "Aurora").
 */
const FUZZY_THRESHOLD = 0.4

/**
 * The skeleton of a search: the best `limit` matches of each kind, in one statement (a
 * union of one indexed query per kind, each narrowed by a trigram GIN index), ranked
 * exact > prefix > substring > fuzzy, then by similarity, popularity and id. Hidden
 * accounts and labelled records are left out as in every list.
 */
export async function searchSkeleton(
  reader: Reader,
  query: string,
  limit: number,
): Promise<SearchHit[]> {
  return reader.db.transaction().execute(async (tx) => {
    // Settings for this transaction only. The fuzzy operator reads its threshold from one.
    // The planner prices a trigram comparison like an equality, so for "substring or fuzzy"
    // it prefers comparing every row (a sequential scan, ~20x slower on 50k tracks) to
    // reading both from the trigram index: tell it not to.
    await sql`select
      set_config('pg_trgm.word_similarity_threshold', ${String(FUZZY_THRESHOLD)}, true),
      set_config('enable_seqscan', 'off', true)`.execute(tx)
    const r: Reader = { ...reader, db: tx }
    const m = matcher(query)
    const kind = (k: SearchKind) => sql<SearchKind>`${k}::text`.as('kind')
    const noCount = sql<number | null>`null::int`.as('n')
    const title = sql.ref('track.title')
    const tracks = visibleTracks(r)
      .leftJoin('track_count', 'track_count.uri', 'track.uri')
      .select([
        kind('track'),
        'track.uri as id',
        m.tier(title).as('tier'),
        m.score(title).as('score'),
        sql<number>`coalesce(track_count.like_count, 0)`.as('n'),
      ])
      .where(m.matches(title))
    // artists: active accounts with at least one track, by handle or display name
    const handle = sql.ref('actor.handle')
    const displayName = sql.ref('actor.display_name')
    const artists = r.db
      .selectFrom('actor')
      .select([
        kind('artist'),
        'actor.did as id',
        sql<number>`least(${m.tier(handle)}, ${m.tier(displayName)})`.as('tier'),
        sql<number>`greatest(${m.score(handle)}, ${m.score(displayName)})`.as('score'),
        noCount,
      ])
      .where('actor.status', '=', 'active')
      .where(sql<boolean>`(${m.matches(handle)} or ${m.matches(displayName)})`)
      .where(({ exists, selectFrom }) =>
        exists(selectFrom('track').select('track.uri').whereRef('track.did', '=', 'actor.did')),
      )
      .where(notLabelledHidden(r.labelers, 'actor.did', 'actor.did'))
    const name = sql.ref('list.name')
    const lists = (k: 'album' | 'playlist') =>
      visibleLists(r)
        .select([
          kind(k),
          'list.uri as id',
          m.tier(name).as('tier'),
          m.score(name).as('score'),
          noCount,
        ])
        .where('list.list_type', '=', k)
        .where(m.matches(name))
    // tags: counted over the visible tracks carrying them
    const tag = sql.ref('track_tag.tag')
    const tags = visibleTracks(r)
      .innerJoin('track_tag', 'track_tag.track_uri', 'track.uri')
      .select([
        kind('tag'),
        'track_tag.tag as id',
        m.tier(tag).as('tier'),
        m.score(tag).as('score'),
        sql<number>`count(*)::int`.as('n'),
      ])
      .where(m.matches(tag))
      .groupBy('track_tag.tag')
    const branches = [tracks, artists, lists('album'), lists('playlist'), tags].map((branch) =>
      tx.selectFrom(bestFirst(branch).limit(limit).as('hits')).selectAll(),
    )
    const [first, ...rest] = branches
    const union = rest.reduce((union, branch) => union.unionAll(branch), first!)
    return bestFirst(union.orderBy('kind')).execute()
  })
}

/**
 * The order of hits, best first: exact > prefix > substring > fuzzy, then similarity,
 * popularity and id. A search has no cursor (one page of each kind), so this is no keyset.
 */
function bestFirst<DB, TB extends keyof DB, O>(query: SelectQueryBuilder<DB, TB, O>) {
  return query
    .orderBy(sql.ref('tier'))
    .orderBy(sql.ref('score'), 'desc')
    .orderBy(sql.ref('n'), (o) => o.desc().nullsLast())
    .orderBy(sql.ref('id'))
}

/** The SQL of matching and ranking a name against the query. */
function matcher(query: string) {
  const q = sql`${query}::text`
  const contains = `%${escapeLike(query)}%`
  const prefix = `${escapeLike(query)}%`
  return {
    /** Substring or fuzzy: both served by the name's trigram index. */
    matches: (name: RawBuilder<unknown>) =>
      sql<boolean>`(${name} ilike ${contains} or ${q} <% ${name})`,
    tier: (name: RawBuilder<unknown>) => sql<number>`case
      when lower(${name}) = lower(${q}) then 0
      when ${name} ilike ${prefix} then 1
      when ${name} ilike ${contains} then 2
      else 3 end`,
    score: (name: RawBuilder<unknown>) => sql<number>`word_similarity(${q}, ${name})`,
  }
}
