import type { ProfileBasic, TrackView } from './api.js'
import type { QueueTrack } from './player/queue.js'

export function artistName(p: ProfileBasic): string {
  return p.displayName || p.handle || p.did
}

/** 0:05, 3:07, 1:02:03 */
export function formatTime(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) seconds = 0
  const s = Math.floor(seconds % 60)
  const m = Math.floor(seconds / 60) % 60
  const h = Math.floor(seconds / 3600)
  const ss = String(s).padStart(2, '0')
  return h ? `${h}:${String(m).padStart(2, '0')}:${ss}` : `${m}:${ss}`
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en')} ${n === 1 ? one : many}`
}

export function artistPath(p: ProfileBasic): string {
  return `/artist/${encodeURIComponent(p.handle && p.handle !== 'handle.invalid' ? p.handle : p.did)}`
}

/** What the queue keeps of a track; undefined for a track that has no audio to play. */
export function queueTrack(t: TrackView): QueueTrack | undefined {
  if (!t.audioUrl) return undefined
  return {
    uri: t.uri,
    title: t.title,
    artistName: artistName(t.artist),
    artistHandle: t.artist.handle,
    artistDid: t.artist.did,
    audioUrl: t.audioUrl,
    imageUrl: t.imageUrl,
    duration: t.duration,
    peaksUrl: t.peaksUrl,
    loudnessGain: t.loudnessGain,
  }
}

export function playable(tracks: TrackView[]): QueueTrack[] {
  return tracks.flatMap((t) => queueTrack(t) ?? [])
}
