import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'

/** The current media version of a track uploaded through plyr (the highest version). */
export type StoredMedia = {
  track_uri: string
  version: number
  playable_sha256: string
  playable_type: string
  original_sha256: string
  original_format: string
  duration: number
  gain_centi_db: number | null
  image_id: string | null
  created_at: Date
}

/** Each track's current media version, for the tracks uploaded through plyr. One query. */
export async function hydrateMedia(
  db: Kysely<IndexSchema>,
  trackUris: string[],
): Promise<Map<string, StoredMedia>> {
  if (trackUris.length === 0) return new Map()
  const rows = await db
    .selectFrom('media_version')
    .select([
      'track_uri',
      'version',
      'playable_sha256',
      'playable_type',
      'original_sha256',
      'original_format',
      'duration',
      'gain_centi_db',
      'image_id',
      'created_at',
    ])
    .where('track_uri', 'in', trackUris)
    .orderBy('track_uri')
    .orderBy('version', 'desc')
    .execute()
  const media = new Map<string, StoredMedia>()
  for (const row of rows) if (!media.has(row.track_uri)) media.set(row.track_uri, row)
  return media
}
