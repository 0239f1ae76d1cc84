import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { editList, insertItem } from '../../../../writes/lists.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { trackRef } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.addListItem.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const { list, uri, position } = input.body
      const subject = await trackRef(ctx, uri)
      return {
        encoding: 'application/json',
        body: await editList(ctx, auth.credentials, list, (stored) =>
          insertItem(stored, { subject }, position),
        ),
      }
    },
  })
}
