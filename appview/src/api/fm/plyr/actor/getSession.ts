import type { DidString, HandleString } from '@atproto/lex'
import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.getSession.main, {
    auth: ctx.auth.signedIn,
    handler: async ({ auth }) => {
      const account = auth.credentials
      // restored as a write would be: a grant revoked or expired at the PDS is a 401 here
      const { scope } = await (await account.session()).getTokenInfo(false)
      const signedIn = account.sessionHash
        ? await ctx.sessions.accounts(account.sessionHash)
        : [{ did: account.did, handle: null, displayName: null }]
      // what the index knows of them is fresher than what was found at sign-in
      const indexed = await ctx.db
        .selectFrom('actor')
        .select(['did', 'handle', 'display_name'])
        .where(
          'did',
          'in',
          signedIn.map((a) => a.did),
        )
        .execute()
      const known = new Map(indexed.map((a) => [a.did, a]))
      const accounts = signedIn.map((a) => {
        const actor = known.get(a.did)
        const displayName = actor?.display_name ?? a.displayName
        return {
          did: a.did as DidString,
          handle: (actor?.handle ?? a.handle ?? 'handle.invalid') as HandleString,
          ...(displayName ? { displayName } : {}),
          active: a.did === account.did,
        }
      })
      const { active: _, ...self } = accounts.find((a) => a.did === account.did)!
      return {
        encoding: 'application/json',
        body: {
          ...self,
          via: account.via,
          scopes: scope.split(' ').filter(Boolean),
          accounts: account.via === 'session' ? accounts : [],
        },
      }
    },
  })
}
