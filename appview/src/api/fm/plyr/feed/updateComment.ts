import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { now, ownRecord } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.updateComment.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const stored = await ownRecord(ctx, auth.credentials, 'comment', input.body.uri)
      const written = await writeRecord(ctx, auth.credentials, {
        op: 'update',
        name: 'comment',
        rkey: stored.rkey,
        record: { ...stored.json, text: input.body.text, updatedAt: now() },
        swapRecord: stored.cid,
      })
      return { encoding: 'application/json', body: { uri: written.uri, cid: written.cid! } }
    },
  })
}
