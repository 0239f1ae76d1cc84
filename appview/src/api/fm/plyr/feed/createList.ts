import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { now, trackRefs } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.createList.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const { name, listType, items = [] } = input.body
      const refs = await trackRefs(ctx, items)
      const written = await writeRecord(ctx, auth.credentials, {
        op: 'create',
        name: 'list',
        record: {
          $type: ctx.cfg.namespace.collection('list'),
          ...(name === undefined ? {} : { name }),
          listType,
          items: refs.map((subject) => ({ subject })),
          createdAt: now(),
        },
      })
      return { encoding: 'application/json', body: { uri: written.uri, cid: written.cid! } }
    },
  })
}
