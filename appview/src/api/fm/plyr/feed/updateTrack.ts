import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { withFields } from '../../../../writes/fields.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { ownRecord } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.updateTrack.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const { uri, title, album, description, features, tags } = input.body
      const stored = await ownRecord(ctx, auth.credentials, 'track', uri)
      const record = withFields(stored.json, {
        title,
        album,
        description,
        // featured artists by DID, the canonical identifier (handles are legacy snapshots)
        features: features?.map((did) => ({ did })),
        tags,
      })
      const written = await writeRecord(ctx, auth.credentials, {
        op: 'update',
        name: 'track',
        rkey: stored.rkey,
        record,
        swapRecord: stored.cid,
      })
      return { encoding: 'application/json', body: { uri: written.uri, cid: written.cid! } }
    },
  })
}
