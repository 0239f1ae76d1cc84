import { sql } from 'kysely'
import type { Tx } from '../plugins/plugin.js'

/**
 * Like and comment counts of tracks, recomputed from the rows (never incremented): a
 * replay, a duplicate like or a like that arrived before its track cannot skew them.
 * Only the count that may have changed is recounted (`likes`: tracks whose likes changed,
 * `comments`: whose comments did).
 *
 * One statement, whose cost follows the tracks touched, not the size of the tables: each
 * count reads its track's rows through the subject index, the tracks are found by their
 * key, and rows whose counts did not change are not written.
 */
export async function recountTracks(
  tx: Tx,
  likes: ReadonlySet<string>,
  comments: ReadonlySet<string>,
): Promise<void> {
  const uris = [...new Set([...likes, ...comments])]
  if (uris.length === 0) return
  await sql`
    with n as materialized (
      select
        u.uri,
        case when u.likes then
          (select count(distinct l.did) from "like" l where l.subject_uri = u.uri)::int
        end as likes,
        case when u.comments then
          (select count(*) from comment c where c.subject_uri = u.uri)::int
        end as comments
      from unnest(
        ${uris}::text[],
        ${uris.map((u) => likes.has(u))}::bool[],
        ${uris.map((u) => comments.has(u))}::bool[]
      ) as u(uri, likes, comments)
    )
    update track t
    set like_count = coalesce(n.likes, t.like_count),
      comment_count = coalesce(n.comments, t.comment_count)
    from n
    where t.uri = any(${uris}::text[]) and t.uri = n.uri
      and (t.like_count, t.comment_count)
        is distinct from (coalesce(n.likes, t.like_count), coalesce(n.comments, t.comment_count))
  `.execute(tx)
}
