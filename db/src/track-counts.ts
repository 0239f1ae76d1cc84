import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { IndexSchema } from './schema.js'

/** A track's counts, each kept equal to its rows. */
export type TrackCount = 'like_count' | 'comment_count' | 'play_count'

/** How each count is read from its rows: through the index on the track's uri. */
const COUNT_OF: Record<TrackCount, (uri: RawBuilder<string>) => RawBuilder<number>> = {
  // one like per account, however many like records it wrote
  like_count: (uri) =>
    sql`(select count(distinct did)::int from "like" where subject_uri = ${uri})`,
  comment_count: (uri) => sql`(select count(*)::int from comment where subject_uri = ${uri})`,
  play_count: (uri) => sql`(select count(*)::int from play where track_uri = ${uri})`,
}

/**
 * Recomputes counts of tracks from the rows (never increments them): a replay, a duplicate
 * like or a like that arrived before its track cannot skew them. `changed` names, per
 * count, the tracks whose rows for it changed; only those counts are recounted.
 *
 * One statement, whose cost follows the tracks touched, not the size of the tables: each
 * count reads its track's rows through the index on the track's uri, and rows whose counts
 * did not change are not written.
 *
 * Each count is recomputed by the owner of its rows, in the transaction that changed
 * them: the indexer the like and comment counts, the AppView the play count. Neither
 * writes the other's: an update computes its counts from the snapshot its statement
 * started with, so a writer recounting rows it does not serialize could put back a count
 * that a concurrent write had just raised.
 */
export async function recountTracks(
  db: Kysely<IndexSchema>,
  changed: Partial<Record<TrackCount, Iterable<string>>>,
): Promise<void> {
  const counts = (Object.keys(changed) as TrackCount[]).map((count) => ({
    count,
    uris: new Set(changed[count]),
  }))
  const uris = [...new Set(counts.flatMap((c) => [...c.uris]))]
  if (uris.length === 0) return
  const uri = sql<string>`u.uri`
  // per track and count: the fresh count when it may have changed, else null (kept)
  const fresh = counts.map(
    ({ count }, i) => sql`case when u.f${sql.raw(String(i))} then ${COUNT_OF[count](uri)} end`,
  )
  const flags = counts.map(({ uris: changedUris }) => uris.map((u) => changedUris.has(u)))
  const kept = counts.map(
    ({ count }, i) => sql`coalesce(n.c${sql.raw(String(i))}, t.${sql.ref(count)})`,
  )
  await sql`
    with n as materialized (
      select u.uri, ${sql.join(fresh.map((f, i) => sql`${f} as c${sql.raw(String(i))}`))}
      from unnest(${uris}::text[], ${sql.join(flags.map((f) => sql`${f}::bool[]`))})
        as u(uri, ${sql.join(counts.map((_, i) => sql.raw(`f${i}`)))})
    )
    update track t
    set ${sql.join(counts.map(({ count }, i) => sql`${sql.ref(count)} = ${kept[i]}`))}
    from n
    where t.uri = any(${uris}::text[]) and t.uri = n.uri
      and (${sql.join(counts.map(({ count }) => sql`t.${sql.ref(count)}`))})
        is distinct from (${sql.join(kept)})
  `.execute(db)
}
