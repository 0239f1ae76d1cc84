import type { Kysely } from 'kysely'
import type { ActorRow, IndexSchema, TrackRow } from '@plyr/db'
import { hydrateActors } from './actors.js'

export type HydratedTrack = TrackRow & { record: unknown; tags: string[] }

export type TrackHydration = {
  tracks: Map<string, HydratedTrack>
  actors: Map<string, ActorRow>
}

/** Tracks by uri with their records, tags and artists: three queries whatever the page size. */
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
  const tags = new Map<string, string[]>()
  if (rows.length > 0) {
    const tagRows = await db
      .selectFrom('track_tag')
      .select(['track_uri', 'tag'])
      .where(
        'track_uri',
        'in',
        rows.map((r) => r.uri),
      )
      .orderBy('tag')
      .execute()
    for (const t of tagRows) tags.set(t.track_uri, [...(tags.get(t.track_uri) ?? []), t.tag])
  }
  const actors = await hydrateActors(
    db,
    rows.map((r) => r.did),
  )
  return {
    tracks: new Map(rows.map((r) => [r.uri, { ...r, tags: tags.get(r.uri) ?? [] }])),
    actors,
  }
}
