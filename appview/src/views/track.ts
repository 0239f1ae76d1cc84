import type { ActorRow, LabelRow } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { HydratedTrack } from '../hydration/tracks.js'
import { presentProfileBasic } from './actor.js'
import { presentLabel } from './label.js'

type TrackView = fm.plyr.feed.defs.TrackView
type ViewerLike = NonNullable<fm.plyr.feed.defs.ViewerState['like']>
type TrackRecord = { features?: TrackView['features'] }

/** A pure function from hydrated rows to the lexicon view. */
export function presentTrack(
  track: HydratedTrack,
  artist: ActorRow,
  context: { labels: LabelRow[]; viewerLike?: string; viewerKnown: boolean },
): TrackView {
  // the record passed its lexicon when it was indexed
  const record = track.record as TrackRecord
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
    ...(track.audio_url !== null ? { audioUrl: track.audio_url as TrackView['audioUrl'] } : {}),
    ...(track.image_url !== null ? { imageUrl: track.image_url as TrackView['imageUrl'] } : {}),
    tags: track.tags,
    likeCount: track.like_count,
    commentCount: track.comment_count,
    ...(context.labels.length > 0 ? { labels: context.labels.map(presentLabel) } : {}),
    ...(context.viewerKnown
      ? { viewer: context.viewerLike ? { like: context.viewerLike as ViewerLike } : {} }
      : {}),
    createdAt: track.created_at.toISOString() as TrackView['createdAt'],
    indexedAt: track.indexed_at.toISOString() as TrackView['indexedAt'],
  }
}
