import type { LabelRow } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { HydratedActor } from '../hydration/actors.js'
import type { HydratedTrack } from '../hydration/tracks.js'
import { audioUrl, refOf } from '../links.js'
import { audioSource, trustedImage } from '../rules/audio.js'
import { presentProfileBasic } from './actor.js'
import { presentLabel } from './label.js'

type TrackView = fm.plyr.feed.defs.TrackView
type ViewerLike = NonNullable<fm.plyr.feed.defs.ViewerState['like']>
type TrackRecord = { features?: TrackView['features'] }

/**
 * A pure function from hydrated rows to the lexicon view. `audioUrl` is this AppView's
 * `/audio/…` link, present when the track has audio plyr can send a listener to;
 * `imageUrl` is the record's only when its origin is trusted.
 */
export function presentTrack(
  track: HydratedTrack,
  artist: HydratedActor,
  context: { labels: LabelRow[]; viewerLike?: string; viewerKnown: boolean; publicUrl: string },
): TrackView {
  // the record passed its lexicon when it was indexed
  const record = track.record as TrackRecord
  const playable = audioSource(track, artist.pds) !== undefined
  const image = trustedImage(track)
  return {
    uri: track.uri as TrackView['uri'],
    cid: track.cid as TrackView['cid'],
    artist: presentProfileBasic(artist),
    record: track.record as TrackView['record'],
    title: track.title,
    ...(track.album !== null ? { album: track.album } : {}),
    ...(record.features?.length ? { features: record.features } : {}),
    ...(track.duration !== null ? { duration: track.duration } : {}),
    ...(track.description !== null ? { description: track.description } : {}),
    ...(playable
      ? { audioUrl: audioUrl(context.publicUrl, refOf(track.uri)) as TrackView['audioUrl'] }
      : {}),
    ...(image ? { imageUrl: image as TrackView['imageUrl'] } : {}),
    tags: track.tags,
    likeCount: track.like_count,
    commentCount: track.comment_count,
    playCount: track.play_count,
    ...(context.labels.length > 0 ? { labels: context.labels.map(presentLabel) } : {}),
    ...(context.viewerKnown
      ? { viewer: context.viewerLike ? { like: context.viewerLike as ViewerLike } : {} }
      : {}),
    createdAt: track.created_at.toISOString() as TrackView['createdAt'],
    indexedAt: track.indexed_at.toISOString() as TrackView['indexedAt'],
  }
}
