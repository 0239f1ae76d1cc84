import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { editList } from '../../../../writes/lists.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.renameList.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => ({
      encoding: 'application/json',
      body: await editList(ctx, auth.credentials, input.body.uri, (list) => ({
        ...list,
        name: input.body.name,
      })),
    }),
  })
}
