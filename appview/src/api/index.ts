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
// sign-in and the writes a signed-in account makes
import getSession from './fm/plyr/actor/getSession.js'
import listTokens from './fm/plyr/actor/listTokens.js'
import revokeToken from './fm/plyr/actor/revokeToken.js'
import updateProfile from './fm/plyr/actor/updateProfile.js'
import addListItem from './fm/plyr/feed/addListItem.js'
import createComment from './fm/plyr/feed/createComment.js'
import createList from './fm/plyr/feed/createList.js'
import deleteComment from './fm/plyr/feed/deleteComment.js'
import deleteList from './fm/plyr/feed/deleteList.js'
import exportData from './fm/plyr/actor/exportData.js'
import deleteData from './fm/plyr/actor/deleteData.js'
import getTrackVersions from './fm/plyr/feed/getTrackVersions.js'
import replaceTrackAudio from './fm/plyr/feed/replaceTrackAudio.js'
import restoreTrackAudio from './fm/plyr/feed/restoreTrackAudio.js'
import createTrack from './fm/plyr/feed/createTrack.js'
import uploadAudio from './fm/plyr/media/uploadAudio.js'
import uploadImage from './fm/plyr/media/uploadImage.js'
import deleteTrack from './fm/plyr/feed/deleteTrack.js'
import like from './fm/plyr/feed/like.js'
import reportPlay from './fm/plyr/feed/reportPlay.js'
import moveListItem from './fm/plyr/feed/moveListItem.js'
import removeListItem from './fm/plyr/feed/removeListItem.js'
import renameList from './fm/plyr/feed/renameList.js'
import unlike from './fm/plyr/feed/unlike.js'
import updateComment from './fm/plyr/feed/updateComment.js'
import updateTrack from './fm/plyr/feed/updateTrack.js'

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
  getSession(server, ctx)
  listTokens(server, ctx)
  revokeToken(server, ctx)
  updateProfile(server, ctx)
  addListItem(server, ctx)
  createComment(server, ctx)
  createList(server, ctx)
  deleteComment(server, ctx)
  deleteList(server, ctx)
  createTrack(server, ctx)
  getTrackVersions(server, ctx)
  replaceTrackAudio(server, ctx)
  restoreTrackAudio(server, ctx)
  deleteData(server, ctx)
  exportData(server, ctx)
  uploadAudio(server, ctx)
  uploadImage(server, ctx)
  deleteTrack(server, ctx)
  like(server, ctx)
  reportPlay(server, ctx)
  moveListItem(server, ctx)
  removeListItem(server, ctx)
  renameList(server, ctx)
  unlike(server, ctx)
  updateComment(server, ctx)
  updateTrack(server, ctx)
}
