import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { deleteTrackMedia } from '../../../../media/objects.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { ownRecord } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.deleteTrack.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const stored = await ownRecord(ctx, auth.credentials, 'track', input.body.uri)
      await writeRecord(ctx, auth.credentials, {
        op: 'delete',
        name: 'track',
        rkey: stored.rkey,
        swapRecord: stored.cid,
      })
      // the record is gone: so is the media plyr stored for it, unless something shares it
      await deleteTrackMedia(ctx.db, ctx.media.storage, input.body.uri)
    },
  })
}
