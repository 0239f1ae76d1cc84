import { notLabelledHidden } from '../rules/visibility.js'
import type { Reader } from './reader.js'

/**
 * The base of every track skeleton: tracks whose artist is active and which no accepted
 * labeler has hidden (on the track or the artist). Callers add their filter and order.
 */
export function visibleTracks(reader: Reader) {
  return reader.db
    .selectFrom('track')
    .innerJoin('actor', 'actor.did', 'track.did')
    .where('actor.status', '=', 'active')
    .where(notLabelledHidden(reader.labelers, 'track.uri', 'track.did'))
}

/** The same for lists (albums, playlists): an active creator, no hiding label. */
export function visibleLists(reader: Reader) {
  return reader.db
    .selectFrom('list')
    .innerJoin('actor', 'actor.did', 'list.did')
    .where('actor.status', '=', 'active')
    .where(notLabelledHidden(reader.labelers, 'list.uri', 'list.did'))
}
