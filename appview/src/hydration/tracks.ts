import { type LabelRow, type TrackRow, trackCountColumns } from '@plyr/db'
import type { Reader } from '../pipeline/reader.js'
import { type HydratedActor, hydrateActors } from './actors.js'
import { hydrateLabels } from './labels.js'
import { hydrateViewerLikes } from './viewer.js'

export type HydratedTrack = TrackRow & {
  like_count: number
  comment_count: number
  play_count: number
  record: unknown
  tags: string[]
}

export type TrackHydration = {
  tracks: Map<string, HydratedTrack>
  actors: Map<string, HydratedActor>
  /** Labels in force, by track uri and by artist DID. */
  labels: Map<string, LabelRow[]>
  /** The viewer's like, by track uri. */
  viewerLikes: Map<string, string>
}

/**
 * Tracks by uri with their records, tags, artists, labels and the viewer's likes: five
 * queries at most, whatever the page size.
 */
export async function hydrateTracks(reader: Reader, uris: string[]): Promise<TrackHydration> {
  const { db } = reader
  if (uris.length === 0) {
    return { tracks: new Map(), actors: new Map(), labels: new Map(), viewerLikes: new Map() }
  }
  const rows = await db
    .selectFrom('track')
    .innerJoin('record', 'record.uri', 'track.uri')
    .leftJoin('track_count', 'track_count.uri', 'track.uri')
    .selectAll('track')
    .select(['record.json as record', ...trackCountColumns])
    .where('track.uri', 'in', uris)
    .execute()
  const found = rows.map((r) => r.uri)
  const dids = rows.map((r) => r.did)
  const [tags, actors, labels, viewerLikes] = await Promise.all([
    hydrateTags(db, found),
    hydrateActors(db, dids),
    hydrateLabels(db, reader.labelers, [...found, ...dids]),
    hydrateViewerLikes(db, reader.viewer, found),
  ])
  return {
    tracks: new Map(rows.map((r) => [r.uri, { ...r, tags: tags.get(r.uri) ?? [] }])),
    actors,
    labels,
    viewerLikes,
  }
}

/** Each track's tags, alphabetical. One query. */
async function hydrateTags(db: Reader['db'], trackUris: string[]): Promise<Map<string, string[]>> {
  const tags = new Map<string, string[]>()
  if (trackUris.length === 0) return tags
  const rows = await db
    .selectFrom('track_tag')
    .select(['track_uri', 'tag'])
    .where('track_uri', 'in', trackUris)
    .orderBy('tag')
    .execute()
  for (const t of rows) tags.set(t.track_uri, [...(tags.get(t.track_uri) ?? []), t.tag])
  return tags
}
