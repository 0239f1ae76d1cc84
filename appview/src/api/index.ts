import type { Server } from '@atproto/xrpc-server'
import type { AppContext } from '../context.js'
import getProfile from './fm/plyr/actor/getProfile.js'
import getActorLikes from './fm/plyr/feed/getActorLikes.js'
import getActorLists from './fm/plyr/feed/getActorLists.js'
import getArtistTracks from './fm/plyr/feed/getArtistTracks.js'
import getComments from './fm/plyr/feed/getComments.js'
import getLatestTracks from './fm/plyr/feed/getLatestTracks.js'
import getLikes from './fm/plyr/feed/getLikes.js'
import getList from './fm/plyr/feed/getList.js'
import getTags from './fm/plyr/feed/getTags.js'
import getTopTracks from './fm/plyr/feed/getTopTracks.js'
import getTrack from './fm/plyr/feed/getTrack.js'
import getTracks from './fm/plyr/feed/getTracks.js'
import searchAll from './fm/plyr/search/searchAll.js'
import getPlatformStats from './fm/plyr/stats/getPlatformStats.js'

/** Every XRPC method the AppView serves. */
export function registerApi(server: Server, ctx: AppContext): void {
  getProfile(server, ctx)
  getActorLikes(server, ctx)
  getActorLists(server, ctx)
  getArtistTracks(server, ctx)
  getComments(server, ctx)
  getLatestTracks(server, ctx)
  getLikes(server, ctx)
  getList(server, ctx)
  getTags(server, ctx)
  getTopTracks(server, ctx)
  getTrack(server, ctx)
  getTracks(server, ctx)
  searchAll(server, ctx)
  getPlatformStats(server, ctx)
}
