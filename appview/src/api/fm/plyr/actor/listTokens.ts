import type { DatetimeString } from '@atproto/lex'
import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.listTokens.main, {
    auth: ctx.auth.signedIn,
    handler: async ({ auth }) => {
      const tokens = await ctx.tokens.list(auth.credentials.did)
      return {
        encoding: 'application/json',
        body: {
          tokens: tokens.map((t) => ({
            prefix: t.prefix,
            name: t.name,
            createdAt: t.createdAt.toISOString() as DatetimeString,
            ...(t.expiresAt ? { expiresAt: t.expiresAt.toISOString() as DatetimeString } : {}),
          })),
        },
      }
    },
  })
}
