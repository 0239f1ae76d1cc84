import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { editList, insertItem, takeItem } from '../../../../writes/lists.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.moveListItem.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const { list, from, to, uri } = input.body
      return {
        encoding: 'application/json',
        body: await editList(ctx, auth.credentials, list, (stored) => {
          const { list: without, item } = takeItem(stored, from, uri)
          return insertItem(without, item, to)
        }),
      }
    },
  })
}
