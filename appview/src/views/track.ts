import type { ActorRow } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { HydratedTrack } from '../hydration/tracks.js'
import { presentProfileBasic } from './actor.js'

type TrackView = fm.plyr.feed.defs.TrackView

/** A pure function from hydrated rows to the lexicon view. */
export function presentTrack(track: HydratedTrack, artist: ActorRow): TrackView {
  return {
    uri: track.uri as TrackView['uri'],
    cid: track.cid as TrackView['cid'],
    artist: presentProfileBasic(artist),
    record: track.record as TrackView['record'],
    title: track.title,
    ...(track.album !== null ? { album: track.album } : {}),
    ...(track.duration !== null ? { duration: track.duration } : {}),
    ...(track.description !== null ? { description: track.description } : {}),
    ...(track.audio_url !== null ? { audioUrl: track.audio_url as TrackView['audioUrl'] } : {}),
    ...(track.image_url !== null ? { imageUrl: track.image_url as TrackView['imageUrl'] } : {}),
    tags: track.tags,
    likeCount: track.like_count,
    commentCount: track.comment_count,
    createdAt: track.created_at.toISOString() as TrackView['createdAt'],
    indexedAt: track.indexed_at.toISOString() as TrackView['indexedAt'],
  }
}
