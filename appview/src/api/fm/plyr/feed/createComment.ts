import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { now, trackRef } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.createComment.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const { uri, text, timestampMs } = input.body
      const written = await writeRecord(ctx, auth.credentials, {
        op: 'create',
        name: 'comment',
        record: {
          $type: ctx.cfg.namespace.collection('comment'),
          subject: await trackRef(ctx, uri),
          text,
          timestampMs,
          createdAt: now(),
        },
      })
      return { encoding: 'application/json', body: { uri: written.uri, cid: written.cid! } }
    },
  })
}
