import type { fm } from '@plyr/lexicons'
import { audioUrl, imageUrl, peaksUrl, refOf } from '../links.js'
import type { RuledState } from '../rules/apply.js'
import { presentProfileBasic } from './actor.js'
import { presentLabel } from './label.js'

type TrackView = fm.plyr.feed.defs.TrackView
type ViewerLike = NonNullable<fm.plyr.feed.defs.ViewerState['like']>
type TrackRecord = { features?: TrackView['features'] }

/**
 * A track as the lexicon views it. `audioUrl` is this AppView's `/audio/…` link (under
 * `publicUrl`), present when the rules found audio plyr can send a listener to; `imageUrl`
 * is the image the rules trusted. `viewer` is there whenever the reader is known.
 */
export function presentTrack(
  uri: string,
  state: RuledState,
  publicUrl: string,
): TrackView | undefined {
  const track = state.tracks.get(uri)
  const artist = track && presentProfileBasic(track.did, state)
  if (!track || !artist) return undefined
  // the record passed its lexicon when it was indexed
  const record = track.record as TrackRecord
  const media = state.media.get(uri)
  // cover art plyr stores is plyr's own to serve; else what the rules trusted
  const image = media?.image_id ? imageUrl(publicUrl, media.image_id) : state.images.get(uri)
  const labels = [...(state.labels.get(uri) ?? []), ...(state.labels.get(track.did) ?? [])]
  const viewerLike = state.viewerLikes.get(uri)
  const duration = track.duration ?? (media ? Math.round(media.duration) : null)
  return {
    uri: track.uri as TrackView['uri'],
    cid: track.cid as TrackView['cid'],
    artist,
    record: track.record as TrackView['record'],
    title: track.title,
    ...(track.album !== null ? { album: track.album } : {}),
    ...(record.features?.length ? { features: record.features } : {}),
    ...(duration !== null ? { duration } : {}),
    ...(track.description !== null ? { description: track.description } : {}),
    ...(state.audio.has(uri)
      ? { audioUrl: audioUrl(publicUrl, refOf(track.uri)) as TrackView['audioUrl'] }
      : {}),
    ...(image ? { imageUrl: image as TrackView['imageUrl'] } : {}),
    ...(media
      ? { peaksUrl: peaksUrl(publicUrl, refOf(track.uri), media.version) as TrackView['peaksUrl'] }
      : {}),
    ...(media?.gain_centi_db != null ? { loudnessGain: media.gain_centi_db } : {}),
    tags: state.tags.get(uri) ?? [],
    likeCount: track.like_count,
    commentCount: track.comment_count,
    playCount: track.play_count,
    ...(labels.length > 0 ? { labels: labels.map(presentLabel) } : {}),
    ...(state.viewer !== null
      ? { viewer: viewerLike ? { like: viewerLike as ViewerLike } : {} }
      : {}),
    createdAt: track.created_at.toISOString() as TrackView['createdAt'],
    indexedAt: track.indexed_at.toISOString() as TrackView['indexedAt'],
  }
}

/** The tracks of a page, in its order. */
export function presentTracks(uris: string[], state: RuledState, publicUrl: string): TrackView[] {
  return uris.flatMap((uri) => presentTrack(uri, state, publicUrl) ?? [])
}
