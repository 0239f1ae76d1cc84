import type { Kysely } from 'kysely'
import type { IndexSchema } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import { hydrateTracks } from '../hydration/tracks.js'
import { presentTrack } from '../views/track.js'

/**
 * hydrate → rules → present for a list of track uris (a skeleton), keeping its order.
 * Tracks whose artist is not active are left out.
 */
export async function trackViews(
  db: Kysely<IndexSchema>,
  uris: string[],
): Promise<fm.plyr.feed.defs.TrackView[]> {
  const { tracks, actors } = await hydrateTracks(db, uris)
  const views: fm.plyr.feed.defs.TrackView[] = []
  for (const uri of uris) {
    const track = tracks.get(uri)
    const artist = track && actors.get(track.did)
    if (!track || !artist || artist.status !== 'active') continue
    views.push(presentTrack(track, artist))
  }
  return views
}
