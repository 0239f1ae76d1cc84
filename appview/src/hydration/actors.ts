import { type Kysely, sql } from 'kysely'
import type { ActorRow, IndexSchema } from '@plyr/db'

/** An actor row with what its profile views show besides: the plyr profile's bio and trusted avatar URL. */
export type HydratedActor = ActorRow & { bio: string | null; profile_avatar_url: string | null }

/**
 * Actors with their plyr profile's bio, and its avatar URL when its origin is trusted (the only form
 * of it a view may show). Callers add the where clause.
 */
export function selectActors(db: Kysely<IndexSchema>) {
  return db
    .selectFrom('actor')
    .leftJoin('artist_profile', 'artist_profile.did', 'actor.did')
    .selectAll('actor')
    .select('artist_profile.bio')
    .select(
      sql<
        string | null
      >`case when artist_profile.avatar_url_trusted then artist_profile.avatar_url end`.as(
        'profile_avatar_url',
      ),
    )
}

/** One query for every actor a page mentions. */
export async function hydrateActors(
  db: Kysely<IndexSchema>,
  dids: Iterable<string>,
): Promise<Map<string, HydratedActor>> {
  const unique = [...new Set(dids)]
  if (unique.length === 0) return new Map()
  const rows = await selectActors(db).where('actor.did', 'in', unique).execute()
  return new Map(rows.map((r) => [r.did, r]))
}
