import type { TrackRow } from '@plyr/db'
import type { HydratedActor } from '../hydration/actors.js'
import { pdsBlobUrl } from '../links.js'

/**
 * Which media plyr may hand out. A URL taken from a record is handed out only when its
 * origin is trusted (TRUSTED_MEDIA_ORIGINS, decided when the record was indexed); a blob is
 * fetched from the author's PDS. Nothing is fetched here.
 */

type TrackAudio = Pick<TrackRow, 'did' | 'audio_url' | 'audio_url_trusted' | 'audio_blob_cid'>

/**
 * Where a track's audio is, if plyr can send a listener there: its `audioUrl` when the
 * origin is trusted, else its `audioBlob` in the artist's PDS.
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

/**
 * An actor's avatar: the plyr profile's when its URL is trusted, else the Bluesky
 * profile's avatar blob from the actor's PDS; none when neither is there.
 */
export function avatarSource(actor: HydratedActor): string | undefined {
  if (actor.profile_avatar_url !== null && actor.profile_avatar_url_trusted) {
    return actor.profile_avatar_url
  }
  if (actor.avatar_cid !== null && actor.pds !== null) {
    return pdsBlobUrl(actor.pds, actor.did, actor.avatar_cid)
  }
  return undefined
}
