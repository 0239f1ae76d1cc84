import { sql } from 'kysely'
import type { fm } from '@plyr/lexicons'
import type { Reader } from '../pipeline/reader.js'
import { notLabelledHidden, visibleLists, visibleTracks } from '../rules/visibility.js'

export type ProfileCounts = Pick<
  fm.plyr.actor.defs.ProfileView,
  'trackCount' | 'albumCount' | 'playlistCount' | 'likeCount'
>

const count = sql<number>`count(*)::int`

/**
 * What an actor has published and liked, counting what the lists show: their visible
 * tracks, albums and playlists, and the visible tracks they like (each once, through a
 * like no labeler hid). One statement of four indexed counts, for the one actor a profile
 * shows.
 */
export async function hydrateProfileCounts(reader: Reader, did: string): Promise<ProfileCounts> {
  const lists = (type: string) =>
    visibleLists(reader)
      .select(count.as('n'))
      .where('list.did', '=', did)
      .where('list.list_type', '=', type)
  const row = await reader.db
    .selectNoFrom([
      visibleTracks(reader).select(count.as('n')).where('track.did', '=', did).as('trackCount'),
      lists('album').as('albumCount'),
      lists('playlist').as('playlistCount'),
      visibleTracks(reader)
        .select(sql<number>`count(distinct "track"."uri")::int`.as('n'))
        .innerJoin('like', 'like.subject_uri', 'track.uri')
        .where('like.did', '=', did)
        .where(notLabelledHidden(reader.labelers, 'like.uri', 'like.did'))
        .as('likeCount'),
    ])
    .executeTakeFirstOrThrow()
  return {
    trackCount: row.trackCount ?? 0,
    albumCount: row.albumCount ?? 0,
    playlistCount: row.playlistCount ?? 0,
    likeCount: row.likeCount ?? 0,
  }
}
