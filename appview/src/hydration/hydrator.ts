import type { CommentTable, LabelRow, LikeTable } from '@plyr/db'
import type { Selectable } from 'kysely'
import type { Reader } from '../pipeline/reader.js'
import { type HydratedActor, hydrateActors } from './actors.js'
import { hydrateLabels } from './labels.js'
import { hydrateListItemCounts, hydrateLists, type ListRow } from './lists.js'
import { hydrateMedia, type StoredMedia } from './media.js'
import { hydrateProfileCounts, type ProfileCounts } from './profile-counts.js'
import { type HydratedTrack, hydrateTags, hydrateTracks } from './tracks.js'
import { hydrateViewerLikes } from './viewer.js'

export type CommentRow = Selectable<CommentTable>
export type LikeRow = Pick<Selectable<LikeTable>, 'uri' | 'did' | 'created_at' | 'indexed_at'>

/**
 * Everything a page mentions, read from the index in batches: what the rules decide over
 * and the views present. Each map holds only what was found; anything absent is unknown.
 */
export type HydrationState = {
  /** Who reads (a DID), or null when anonymous. */
  viewer: string | null
  /** Tracks with their records and counts, by uri. */
  tracks: Map<string, HydratedTrack>
  /** The current media of each track uploaded through plyr, by track uri. */
  media: Map<string, StoredMedia>
  /** Each track's tags, alphabetical, by track uri. */
  tags: Map<string, string[]>
  /** Lists (albums, playlists), by uri. */
  lists: Map<string, ListRow>
  /** How many items each list holds, by list uri. */
  listItemCounts: Map<string, number>
  /** Comments, by uri. */
  comments: Map<string, CommentRow>
  /** Likes, by uri. */
  likes: Map<string, LikeRow>
  /** Every account the page mentions (authors, artists, subjects), by DID. */
  actors: Map<string, HydratedActor>
  /** What an account has published and liked, by DID. */
  profileCounts: Map<string, ProfileCounts>
  /** The labels in force from the accepted labelers, by record uri and by account DID. */
  labels: Map<string, LabelRow[]>
  /** The viewer's like of each track (its uri), by track uri. */
  viewerLikes: Map<string, string>
}

/** What to hydrate: the ids a skeleton holds, and the rows it already read. */
export type HydrationRequest = {
  /** Track uris. */
  tracks?: string[]
  /** List uris. */
  lists?: string[]
  /** Account DIDs, besides the authors of the records above. */
  actors?: string[]
  /** Comments the skeleton read whole. */
  comments?: CommentRow[]
  /** Likes the skeleton read whole. */
  likes?: LikeRow[]
  /** The account whose profile counts a page shows (a profile: one at a time). */
  profileCounts?: string
}

/**
 * One hydration state for a page, in two rounds of batched queries, never one per item:
 * first the tracks and lists named by uri; then, at the same time, every account they and
 * the request mention, the labels on all of those records and accounts, the tracks' tags
 * and the viewer's likes of them, the lists' item counts, the profile counts asked for and the media plyr stores.
 * A query with nothing to look up is not sent.
 */
export async function hydrate(reader: Reader, req: HydrationRequest): Promise<HydrationState> {
  const { db } = reader
  const comments = req.comments ?? []
  const likes = req.likes ?? []
  const [tracks, lists] = await Promise.all([
    hydrateTracks(db, unique(req.tracks ?? [])),
    hydrateLists(db, unique(req.lists ?? [])),
  ])
  const trackUris = [...tracks.keys()]
  const listUris = [...lists.keys()]
  const dids = unique([
    ...(req.actors ?? []),
    ...[...tracks.values()].map((t) => t.did),
    ...[...lists.values()].map((l) => l.did),
    ...comments.map((c) => c.did),
    ...likes.map((l) => l.did),
  ])
  const subjects = [
    ...trackUris,
    ...listUris,
    ...comments.map((c) => c.uri),
    ...likes.map((l) => l.uri),
    ...dids,
  ]
  const [actors, labels, tags, viewerLikes, listItemCounts, profileCounts, media] =
    await Promise.all([
      hydrateActors(db, dids),
      hydrateLabels(db, reader.labelers, subjects),
      hydrateTags(db, trackUris),
      hydrateViewerLikes(db, reader.viewer, trackUris),
      hydrateListItemCounts(db, listUris),
      req.profileCounts === undefined ? undefined : hydrateProfileCounts(reader, req.profileCounts),
      hydrateMedia(db, trackUris),
    ])
  return {
    viewer: reader.viewer,
    tracks,
    media,
    tags,
    lists,
    listItemCounts,
    comments: new Map(comments.map((c) => [c.uri, c])),
    likes: new Map(likes.map((l) => [l.uri, l])),
    actors,
    profileCounts: new Map(profileCounts ? [[req.profileCounts!, profileCounts]] : []),
    labels,
    viewerLikes,
  }
}

function unique(ids: string[]): string[] {
  return [...new Set(ids)]
}
