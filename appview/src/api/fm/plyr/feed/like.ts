import type { AtUriString } from '@atproto/lex'
import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { now, trackRef } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.like.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const account = auth.credentials
      const subject = await trackRef(ctx, input.body.uri)
      // one like per account and track: liking again answers the like there is
      const existing = await ctx.db
        .selectFrom('like')
        .select('uri')
        .where('did', '=', account.did)
        .where('subject_uri', '=', subject.uri)
        .orderBy('created_at')
        .executeTakeFirst()
      if (existing) {
        return { encoding: 'application/json', body: { uri: existing.uri as AtUriString } }
      }
      const written = await writeRecord(ctx, account, {
        op: 'create',
        name: 'like',
        record: { $type: ctx.cfg.namespace.collection('like'), subject, createdAt: now() },
      })
      return { encoding: 'application/json', body: written }
    },
  })
}
