import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.unlike.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const account = auth.credentials
      const likes = await ctx.db
        .selectFrom('like')
        .select('uri')
        .where('did', '=', account.did)
        .where('subject_uri', '=', input.body.uri)
        .execute()
      for (const like of likes) {
        const rkey = like.uri.split('/').at(-1)!
        await writeRecord(ctx, account, { op: 'delete', name: 'like', rkey })
      }
    },
  })
}
