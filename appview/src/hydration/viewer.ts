import type { Kysely } from 'kysely'
import type { IndexSchema } from '@plyr/db'

/** The viewer's like of each of these tracks (subject uri → like uri). One query. */
export async function hydrateViewerLikes(
  db: Kysely<IndexSchema>,
  viewer: string | null,
  trackUris: string[],
): Promise<Map<string, string>> {
  if (viewer === null || trackUris.length === 0) return new Map()
  const rows = await db
    .selectFrom('like')
    .select(['uri', 'subject_uri'])
    .where('did', '=', viewer)
    .where('subject_uri', 'in', trackUris)
    // with duplicate likes, the oldest is the one a client would delete first
    .orderBy('created_at', 'desc')
    .execute()
  return new Map(rows.map((r) => [r.subject_uri, r.uri]))
}
