import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { anonymousListenerKey } from '../../../../plays/listener-key.js'
import { type Listener, recordPlay } from '../../../../plays/record-play.js'
import { applyRules, requireVisible } from '../../../../rules/apply.js'

/**
 * A player's report that a listener heard a track (docs/api.md, what counts as a play):
 * as the signed-in viewer, else as the anonymous client's key of the day. A track that
 * may not be shown is TrackNotFound / TrackTakenDown, and counts nothing.
 */
export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.reportPlay.main, {
    auth: ctx.auth.optional,
    handler: async ({ auth, input, req }) => {
      const { uri, playbackId } = input.body
      const state = applyRules(await hydrate(readerFor(ctx, auth), { tracks: [uri] }))
      requireVisible(state, 'Track', uri)
      const viewer = auth.credentials.viewer
      const listener: Listener = viewer
        ? { did: viewer }
        : {
            key: await anonymousListenerKey(
              ctx.db,
              req.ip ?? req.socket.remoteAddress ?? '',
              req.headers['user-agent'] ?? '',
            ),
          }
      const counted = await recordPlay(ctx.db, uri, listener, playbackId)
      return { encoding: 'application/json', body: { counted } }
    },
  })
}
