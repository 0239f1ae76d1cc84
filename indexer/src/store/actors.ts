import type { AccountStatus } from '@plyr/db'
import type { Tx } from '../plugins/plugin.js'

export type ActorIdentity = {
  handle: string | null
  displayName: string | null
  avatar: string | null
}

/** Inserts the actor on first sight; later sightings change nothing. */
export async function ensureActor(tx: Tx, did: string, identity: ActorIdentity): Promise<void> {
  await tx
    .insertInto('actor')
    .values({
      did,
      handle: identity.handle,
      display_name: identity.displayName,
      avatar: identity.avatar,
      status: 'active',
      indexed_at: new Date(),
    })
    .onConflict((oc) => oc.column('did').doNothing())
    .execute()
}

export async function actorExists(tx: Tx, did: string): Promise<boolean> {
  const row = await tx.selectFrom('actor').select('did').where('did', '=', did).executeTakeFirst()
  return row !== undefined
}

export async function setHandle(tx: Tx, did: string, handle: string | null): Promise<void> {
  await tx.updateTable('actor').set({ handle }).where('did', '=', did).execute()
}

export async function setStatus(tx: Tx, did: string, status: AccountStatus): Promise<void> {
  await tx.updateTable('actor').set({ status }).where('did', '=', did).execute()
}
