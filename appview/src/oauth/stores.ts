import type {
  NodeSavedSession,
  NodeSavedSessionStore,
  NodeSavedState,
  NodeSavedStateStore,
} from '@atproto/oauth-client-node'
import type { IndexSchema } from '@plyr/db'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { Sealer } from './seal.js'

/** How long a sign-in may take at the authorization server before its state is dropped. */
const STATE_TTL = '30 minutes'

/** Sign-ins in progress (PKCE verifier, DPoP key, our app state), sealed, in `oauth_state`. */
export function stateStore(db: Kysely<IndexSchema>, sealer: Sealer): NodeSavedStateStore {
  const context = (key: string) => `oauth_state:${key}`
  return {
    async get(key) {
      const row = await db
        .selectFrom('oauth_state')
        .select('sealed')
        .where('key', '=', key)
        .where('expires_at', '>', sql<Date>`now()`)
        .executeTakeFirst()
      return row ? sealer.open<NodeSavedState>(row.sealed, context(key)) : undefined
    },
    async set(key, value) {
      await db
        .insertInto('oauth_state')
        .values({
          key,
          sealed: sealer.seal(value, context(key)),
          expires_at: sql<Date>`now() + ${STATE_TTL}::interval`,
        })
        .execute()
    },
    async del(key) {
      await db.deleteFrom('oauth_state').where('key', '=', key).execute()
    },
  }
}

/** Drops the sign-ins that were never completed. */
export async function sweepStates(db: Kysely<IndexSchema>): Promise<void> {
  await db
    .deleteFrom('oauth_state')
    .where('expires_at', '<', sql<Date>`now()`)
    .execute()
}

/**
 * One grant's OAuth session (tokens, DPoP key, auth method), sealed, in its `oauth_grant`
 * row. The OAuth client keys sessions by account DID; plyr keeps several grants per account
 * (each browser, each developer token), so each grant gets a store of its own, which
 * answers for its account only. Deleting the session (revoked, or its refresh refused)
 * deletes the row, and with it the browser accounts and tokens that used it.
 */
export function grantStore(
  db: Kysely<IndexSchema>,
  sealer: Sealer,
  grantId: string,
  logger: Logger,
): NodeSavedSessionStore {
  const context = `oauth_grant:${grantId}`
  return {
    async get(did) {
      const row = await db
        .selectFrom('oauth_grant')
        .select(['did', 'sealed'])
        .where('id', '=', grantId)
        .executeTakeFirst()
      if (!row || row.did !== did) return undefined
      return sealer.open<NodeSavedSession>(row.sealed, context)
    },
    async set(did, value) {
      const sealed = sealer.seal(value, context)
      const written = await db
        .insertInto('oauth_grant')
        .values({ id: grantId, did, sealed })
        .onConflict((oc) =>
          oc
            .column('id')
            .doUpdateSet({ sealed, updated_at: sql<Date>`now()` })
            .where('oauth_grant.did', '=', did),
        )
        .returning(sql<boolean>`xmax <> 0`.as('refreshed'))
        .executeTakeFirst()
      if (!written) throw new Error(`grant ${grantId} belongs to another account`)
      // never the tokens: the grant and account only
      if (written.refreshed) logger.info({ grant: grantId, did }, 'refreshed an OAuth grant')
    },
    async del(did) {
      await db.deleteFrom('oauth_grant').where('id', '=', grantId).where('did', '=', did).execute()
    },
  }
}
