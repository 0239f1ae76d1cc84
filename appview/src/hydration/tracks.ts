import type { Kysely } from 'kysely'
import { type IndexSchema, type TrackRow, trackCountColumns } from '@plyr/db'

/** A track row with its record as the index stored it and its counts. */
export type HydratedTrack = TrackRow & {
  like_count: number
  comment_count: number
  play_count: number
  record: unknown
}

/** Tracks by uri, with their records and counts. One query. */
export async function hydrateTracks(
  db: Kysely<IndexSchema>,
  uris: string[],
): Promise<Map<string, HydratedTrack>> {
  if (uris.length === 0) return new Map()
  const rows = await db
    .selectFrom('track')
    .innerJoin('record', 'record.uri', 'track.uri')
    .leftJoin('track_count', 'track_count.uri', 'track.uri')
    .selectAll('track')
    .select(['record.json as record', ...trackCountColumns])
    .where('track.uri', 'in', uris)
    .execute()
  return new Map(rows.map((r) => [r.uri, r]))
}

/** Each track's tags, alphabetical. One query. */
export async function hydrateTags(
  db: Kysely<IndexSchema>,
  trackUris: string[],
): Promise<Map<string, string[]>> {
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
