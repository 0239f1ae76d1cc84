import { type Kysely, type RawBuilder, sql } from 'kysely'
import type { IndexSchema, TrackCount } from './schema.js'

/**
 * The counts of a `track` left-joined to `track_count`, as readers see them: zero where
 * nothing has been counted yet (a track has no track_count row until then).
 */
export const trackCountColumns = (['like_count', 'comment_count', 'play_count'] as const).map(
  (count) => sql<number>`coalesce(track_count.${sql.ref(count)}, 0)`.as(count),
)

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
 * count, the tracks whose rows for it changed; only those counts are recounted, and only
 * for tracks in the index (a like may come before its track: the track's arrival recounts
 * it).
 *
 * One statement per count, whose cost follows the tracks touched, not the size of the
 * tables: each count reads its track's rows through the index on the track's uri, counts
 * that did not change are not written, and a track gets its track_count row only once it
 * has something to count.
 *
 * Each count is recomputed by the owner of its rows, in the transaction that changed
 * them: the indexer the like and comment counts, the AppView the play count. Neither
 * writes the other's: a statement computes its counts from the snapshot it started with,
 * so a writer recounting rows it does not serialize could put back a count that a
 * concurrent write had just raised.
 */
export async function recountTracks(
  db: Kysely<IndexSchema>,
  changed: Partial<Record<TrackCount, Iterable<string>>>,
): Promise<void> {
  for (const [count, tracks] of Object.entries(changed) as [TrackCount, Iterable<string>][]) {
    const uris = [...new Set(tracks)]
    if (uris.length === 0) continue
    const column = sql.ref(count)
    // per track in the index: its fresh count and the stored one (null: no row yet); a row
    // is written only where they differ, and a new one only for a count above zero
    await sql`
      with fresh as materialized (
        select t.uri, ${COUNT_OF[count](sql`t.uri`)} as n, c.${column} as stored
        from track t left join track_count c on c.uri = t.uri
        where t.uri = any(${uris}::text[])
      )
      insert into track_count (uri, ${column})
      select uri, n from fresh where n <> coalesce(stored, 0)
      on conflict (uri) do update set ${column} = excluded.${column}
    `.execute(db)
  }
}
