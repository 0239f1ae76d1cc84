import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { IndexSchema } from './schema.js'

/** A track's counts, each kept equal to its rows. */
export type TrackCount = 'like_count' | 'comment_count' | 'play_count'

/** Where each count comes from: the rows of `table` whose `key` is the track's uri. */
const SOURCES: Record<TrackCount, { table: string; key: string; n: RawBuilder<number> }> = {
  // one like per account, however many like records it wrote
  like_count: { table: 'like', key: 'subject_uri', n: sql`count(distinct did)` },
  comment_count: { table: 'comment', key: 'subject_uri', n: sql`count(*)` },
  play_count: { table: 'play', key: 'track_uri', n: sql`count(*)` },
}

/**
 * Recomputes `counts` of these tracks from the rows (never increments them): a replay, a
 * duplicate like or a like that arrived before its track cannot skew them. One statement;
 * rows whose counts did not change are not written.
 *
 * Each count is recomputed by the owner of its rows, in the transaction that changed
 * them: the indexer the like and comment counts, the AppView the play count. Neither
 * writes the other's: an update computes its counts from the snapshot its statement
 * started with, so a writer recounting rows it does not serialize could put back a count
 * that a concurrent write had just raised.
 */
export async function recountTracks(
  db: Kysely<IndexSchema>,
  trackUris: Iterable<string>,
  counts: readonly TrackCount[],
): Promise<void> {
  const uris = [...new Set(trackUris)]
  if (uris.length === 0 || counts.length === 0) return
  const joins = counts.map((count, i) => {
    const { table, key, n } = SOURCES[count]
    const alias = sql.raw(`c${i}`)
    return sql`
      left join (
        select ${sql.ref(key)} as uri, ${n}::int as n from ${sql.table(table)}
        where ${sql.ref(key)} = any(${uris}::text[]) group by ${sql.ref(key)}
      ) ${alias} on ${alias}.uri = u.uri`
  })
  const fresh = counts.map((_, i) => sql.raw(`coalesce(c${i}.n, 0)`))
  await sql`
    update track t
    set ${sql.join(counts.map((count, i) => sql`${sql.ref(count)} = ${fresh[i]}`))}
    from unnest(${uris}::text[]) as u(uri)
    ${sql.join(joins, sql``)}
    where t.uri = u.uri
      and (${sql.join(counts.map((count) => sql.ref(`t.${count}`)))}) is distinct from (${sql.join(fresh)})
  `.execute(db)
}
