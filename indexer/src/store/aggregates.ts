import { sql } from 'kysely'
import type { Tx } from '../plugins/plugin.js'

/**
 * Like and comment counts of these tracks, recomputed from the rows (never incremented):
 * a replay, a duplicate like or a like that arrived before its track cannot skew them.
 * One statement; rows whose counts did not change are not written.
 */
export async function recountTracks(tx: Tx, trackUris: Iterable<string>): Promise<void> {
  const uris = [...new Set(trackUris)]
  await sql`
    update track t
    set like_count = coalesce(l.n, 0), comment_count = coalesce(c.n, 0)
    from unnest(${uris}::text[]) as u(uri)
    left join (
      select subject_uri, count(distinct did)::int as n from "like"
      where subject_uri = any(${uris}::text[]) group by subject_uri
    ) l on l.subject_uri = u.uri
    left join (
      select subject_uri, count(*)::int as n from comment
      where subject_uri = any(${uris}::text[]) group by subject_uri
    ) c on c.subject_uri = u.uri
    where t.uri = u.uri
      and (t.like_count, t.comment_count) is distinct from (coalesce(l.n, 0), coalesce(c.n, 0))
  `.execute(tx)
}
