import type { Server } from '@atproto/xrpc-server'
import type { AppContext } from '../context.js'
import getLatestTracks from './fm/plyr/feed/getLatestTracks.js'
import getTrack from './fm/plyr/feed/getTrack.js'

/** Every XRPC method the AppView serves. */
export function registerApi(server: Server, ctx: AppContext): void {
  getLatestTracks(server, ctx)
  getTrack(server, ctx)
}
