import type { Kysely } from 'kysely'
import type { ActorRow, IndexSchema } from '@plyr/db'

/**
 * An actor row with what its profile views show besides: the plyr profile's bio and avatar
 * URL (which the rules show only when trusted).
 */
export type HydratedActor = ActorRow & {
  bio: string | null
  profile_avatar_url: string | null
  profile_avatar_url_trusted: boolean | null
}

/** Every actor a page mentions, with their plyr profiles. One query. */
export async function hydrateActors(
  db: Kysely<IndexSchema>,
  dids: string[],
): Promise<Map<string, HydratedActor>> {
  if (dids.length === 0) return new Map()
  const rows = await db
    .selectFrom('actor')
    .leftJoin('artist_profile', 'artist_profile.did', 'actor.did')
    .selectAll('actor')
    .select([
      'artist_profile.bio',
      'artist_profile.avatar_url as profile_avatar_url',
      'artist_profile.avatar_url_trusted as profile_avatar_url_trusted',
    ])
    .where('actor.did', 'in', dids)
    .execute()
  return new Map(rows.map((r) => [r.did, r]))
}
