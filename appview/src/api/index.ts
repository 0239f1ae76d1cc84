import type { Server } from '@atproto/xrpc-server'
import type { AppContext } from '../context.js'
import getActorLikes from './fm/plyr/feed/getActorLikes.js'
import getArtistTracks from './fm/plyr/feed/getArtistTracks.js'
import getComments from './fm/plyr/feed/getComments.js'
import getLatestTracks from './fm/plyr/feed/getLatestTracks.js'
import getList from './fm/plyr/feed/getList.js'
import getTrack from './fm/plyr/feed/getTrack.js'
import getTracks from './fm/plyr/feed/getTracks.js'

/** Every XRPC method the AppView serves. */
export function registerApi(server: Server, ctx: AppContext): void {
  getActorLikes(server, ctx)
  getArtistTracks(server, ctx)
  getComments(server, ctx)
  getLatestTracks(server, ctx)
  getList(server, ctx)
  getTrack(server, ctx)
  getTracks(server, ctx)
}
