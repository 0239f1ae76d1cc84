import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { now, ownRecordAt } from '../../../../writes/stored.js'
import { withFields } from '../../../../writes/fields.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.updateProfile.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const account = auth.credentials
      const stored = await ownRecordAt(ctx, account, 'actor.profile', 'self')
      const base = stored
        ? { ...stored.json, updatedAt: now() }
        : { $type: ctx.cfg.namespace.collection('actor.profile'), createdAt: now() }
      const record = withFields(base, { bio: input.body.bio, avatar: input.body.avatar })
      const written = await writeRecord(ctx, account, {
        op: 'update',
        name: 'actor.profile',
        rkey: 'self',
        record,
        swapRecord: stored?.cid ?? null,
      })
      return { encoding: 'application/json', body: { uri: written.uri, cid: written.cid! } }
    },
  })
}
