import type { fm } from '@plyr/lexicons'
import { hydrateTracks, type TrackHydration } from '../hydration/tracks.js'
import { visibility } from '../rules/visibility.js'
import { presentTrack } from '../views/track.js'
import type { Reader } from './reader.js'
import { hiddenError, recordVisibility } from './record-visibility.js'

type TrackView = fm.plyr.feed.defs.TrackView

/**
 * hydrate → rules → present for a list of track uris (a skeleton), keeping its order.
 * Tracks that are unknown, by an inactive artist, or taken down by a label are left out.
 */
export async function trackViews(reader: Reader, uris: string[]): Promise<TrackView[]> {
  const hydration = await hydrateTracks(reader, uris)
  return uris.flatMap((uri) => {
    const view = visibleTrack(reader, hydration, uri)
    return typeof view === 'string' ? [] : [view]
  })
}

/** One track, or the typed error saying why there is none: TrackNotFound or TrackTakenDown. */
export async function trackView(reader: Reader, uri: string): Promise<TrackView> {
  const view = visibleTrack(reader, await hydrateTracks(reader, [uri]), uri)
  if (typeof view === 'string') throw hiddenError('Track', view, uri)
  return view
}

/** TrackNotFound or TrackTakenDown unless the track can be shown; cheaper than its view. */
export async function requireVisibleTrack(reader: Reader, uri: string): Promise<void> {
  const track = await reader.db
    .selectFrom('track')
    .select('did')
    .where('uri', '=', uri)
    .executeTakeFirst()
  const { hidden } = track
    ? await recordVisibility(reader, uri, track.did)
    : { hidden: 'not-found' as const }
  if (hidden) throw hiddenError('Track', hidden, uri)
}

function visibleTrack(
  reader: Reader,
  h: TrackHydration,
  uri: string,
): TrackView | 'not-found' | 'taken-down' {
  const track = h.tracks.get(uri)
  const artist = track && h.actors.get(track.did)
  const hidden = track ? visibility(artist, h.labels, uri) : 'not-found'
  if (hidden || !track || !artist) return hidden ?? 'not-found'
  return presentTrack(track, artist, {
    labels: [...(h.labels.get(uri) ?? []), ...(h.labels.get(track.did) ?? [])],
    viewerLike: h.viewerLikes.get(uri),
    viewerKnown: reader.viewer !== null,
    publicUrl: reader.publicUrl,
  })
}
