import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.revokeToken.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const { did } = auth.credentials
      const grantId = await ctx.tokens.remove(did, input.body.prefix)
      if (!grantId) throw new InvalidRequestError('no such token', 'TokenNotFound')
      await ctx.oauth.revoke(grantId, did)
      ctx.logger.info({ did, prefix: input.body.prefix }, 'revoked a developer token')
    },
  })
}
