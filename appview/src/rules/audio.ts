import type { TrackRow } from '@plyr/db'
import { pdsBlobUrl } from '../links.js'

type TrackAudio = Pick<TrackRow, 'did' | 'audio_url' | 'audio_url_trusted' | 'audio_blob_cid'>

/**
 * Where a track's audio is, if plyr can send a listener there: its `audioUrl` when the
 * origin is trusted (TRUSTED_MEDIA_ORIGINS), else its `audioBlob` in the artist's PDS.
 * An untrusted URL is never handed out. Nothing is fetched.
 */
export function audioSource(track: TrackAudio, pds: string | null): string | undefined {
  if (track.audio_url !== null && track.audio_url_trusted) return new URL(track.audio_url).href
  if (track.audio_blob_cid !== null && pds !== null) {
    return pdsBlobUrl(pds, track.did, track.audio_blob_cid)
  }
  return undefined
}

/** A track's image: its `imageUrl` only when the origin is trusted. */
export function trustedImage(track: Pick<TrackRow, 'image_url' | 'image_url_trusted'>) {
  return track.image_url !== null && track.image_url_trusted ? track.image_url : undefined
}
