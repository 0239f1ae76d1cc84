import type { Kysely } from 'kysely'
import type { ActorRow, IndexSchema, TrackRow } from '@plyr/db'
import { hydrateActors } from './actors.js'

export type TrackHydration = {
  tracks: Map<string, TrackRow & { record: unknown }>
  actors: Map<string, ActorRow>
}

/** Tracks by uri with their records and artists: two queries whatever the page size. */
export async function hydrateTracks(
  db: Kysely<IndexSchema>,
  uris: string[],
): Promise<TrackHydration> {
  if (uris.length === 0) return { tracks: new Map(), actors: new Map() }
  const rows = await db
    .selectFrom('track')
    .innerJoin('record', 'record.uri', 'track.uri')
    .selectAll('track')
    .select('record.json as record')
    .where('track.uri', 'in', uris)
    .execute()
  const actors = await hydrateActors(
    db,
    rows.map((r) => r.did),
  )
  return { tracks: new Map(rows.map((r) => [r.uri, r])), actors }
}
