import type { ActorIdentity } from '@plyr/core'
import { type AccountStatus, anyOf, type IndexSchema, insertRows, type Tx } from '@plyr/db'
import { type Kysely, sql } from 'kysely'

export async function knownActors(
  db: Kysely<IndexSchema> | Tx,
  dids: string[],
): Promise<Set<string>> {
  if (dids.length === 0) return new Set()
  const rows = await db.selectFrom('actor').select('did').where('did', '=', anyOf(dids)).execute()
  return new Set(rows.map((r) => r.did))
}

/** Inserts actors seen for the first time; existing ones are left as they are. */
export async function insertActors(
  tx: Tx,
  actors: Map<string, ActorIdentity>,
  at: Date,
): Promise<void> {
  await insertRows(
    tx,
    'actor',
    ['did', 'handle', 'display_name', 'pds', 'status', 'indexed_at'],
    [...actors].map(([did, identity]) => ({
      did,
      handle: identity.handle,
      display_name: identity.displayName,
      pds: identity.pds ?? null,
      status: 'active',
      indexed_at: at,
    })),
    sql`(did) do nothing`,
  )
}

/**
 * An actor's identity resolved afresh: the handle as found (null when it no longer
 * verifies); the PDS only when one was found, so a failed lookup keeps the last known.
 */
export async function setIdentity(tx: Tx, did: string, identity: ActorIdentity): Promise<void> {
  await tx
    .updateTable('actor')
    .set({ handle: identity.handle, ...(identity.pds ? { pds: identity.pds } : {}) })
    .where('did', '=', did)
    .execute()
}

/** Sets each actor's account status, in one statement. */
export async function setStatuses(tx: Tx, statuses: Map<string, AccountStatus>): Promise<void> {
  if (statuses.size === 0) return
  await tx
    .updateTable('actor')
    .from(
      tx
        .selectNoFrom(() => [
          sql<string>`unnest(${[...statuses.keys()]}::text[])`.as('did'),
          sql<AccountStatus>`unnest(${[...statuses.values()]}::text[])`.as('status'),
        ])
        .as('v'),
    )
    .set((eb) => ({ status: eb.ref('v.status') }))
    .whereRef('actor.did', '=', 'v.did')
    .execute()
}

/** Marks an actor's backfill done, with the PDS (a checked origin) it was read from. */
export async function markBackfilled(
  db: Kysely<IndexSchema>,
  did: string,
  pds: string | undefined,
): Promise<void> {
  await db
    .updateTable('actor')
    .set({ backfilled_at: new Date(), ...(pds ? { pds } : {}) })
    .where('did', '=', did)
    .execute()
}

export async function actorsAwaitingBackfill(
  db: Kysely<IndexSchema>,
  limit: number,
): Promise<string[]> {
  const rows = await db
    .selectFrom('actor')
    .select('did')
    .where('backfilled_at', 'is', null)
    .limit(limit)
    .execute()
  return rows.map((r) => r.did)
}
