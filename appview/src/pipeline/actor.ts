import { InvalidRequestError } from '@atproto/xrpc-server'
import type { Kysely } from 'kysely'
import type { ActorRow, IndexSchema } from '@plyr/db'

/** An active actor by DID or handle; anyone else (unknown, hidden) is ActorNotFound. */
export async function resolveActor(db: Kysely<IndexSchema>, actor: string): Promise<ActorRow> {
  const row = await db
    .selectFrom('actor')
    .selectAll()
    // handles are case-insensitive (stored lowercase); DIDs are matched exactly
    .where(
      actor.startsWith('did:') ? 'did' : 'handle',
      '=',
      actor.startsWith('did:') ? actor : actor.toLowerCase(),
    )
    .where('status', '=', 'active')
    .executeTakeFirst()
  if (!row) throw new InvalidRequestError(`actor not found: ${actor}`, 'ActorNotFound')
  return row
}
