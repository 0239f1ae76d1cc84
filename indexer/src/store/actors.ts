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

/**
 * Inserts actors seen for the first time, their identity due for a lookup at once (the
 * resolver fills it in); existing ones are left as they are.
 */
export async function insertActors(tx: Tx, dids: string[], at: Date): Promise<void> {
  await insertRows(
    tx,
    'actor',
    ['did', 'status', 'indexed_at', 'identity_due_at'],
    dids.map((did) => ({ did, status: 'active', indexed_at: at, identity_due_at: at })),
    sql`(did) do nothing`,
  )
}

/** Marks these actors' identity due for a fresh lookup (an identity event). */
export async function markIdentityDue(tx: Tx, dids: string[]): Promise<void> {
  if (dids.length === 0) return
  await tx
    .updateTable('actor')
    .set({ identity_due_at: sql`now()`, identity_attempts: 0 })
    .where('did', '=', anyOf(dids))
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

/**
 * Takes up to `limit` actors whose identity lookup is due, oldest first, and holds them
 * for `leaseMs` (their due time moves past the lease): a process that stops before it
 * resolves them leaves them due again once the lease runs out, and two resolvers never
 * take the same actor at once.
 */
export async function takeDueIdentities(
  db: Kysely<IndexSchema>,
  limit: number,
  leaseMs: number,
): Promise<{ did: string; attempts: number }[]> {
  const { rows } = await sql<{ did: string; attempts: number }>`
    update actor set identity_due_at = now() + make_interval(secs => ${leaseMs / 1000})
    where did in (
      select did from actor
      where identity_due_at <= now()
      order by identity_due_at
      limit ${limit}
      for update skip locked
    )
    returning did, identity_attempts as attempts
  `.execute(db)
  return rows
}

/**
 * An actor's identity resolved: the handle as found (null when it no longer verifies),
 * the display name, and the PDS only when one was found (a document naming none keeps the
 * last known). Nothing more is due, unless an identity event made it due again while the
 * lookup ran (the lease, a due time in the future, was replaced by one that has passed).
 */
export async function setIdentity(
  db: Kysely<IndexSchema>,
  did: string,
  identity: ActorIdentity,
): Promise<void> {
  await db
    .updateTable('actor')
    .set({
      handle: identity.handle,
      display_name: sql`coalesce(${identity.displayName}, display_name)`,
      ...(identity.pds ? { pds: identity.pds } : {}),
      identity_due_at: sql`case when identity_due_at > now() then null else identity_due_at end`,
      identity_attempts: 0,
    })
    .where('did', '=', did)
    .execute()
}

/** A failed lookup: tried again at `retryAt`, or never (null) once it has failed too often. */
export async function identityFailed(
  db: Kysely<IndexSchema>,
  did: string,
  retryAt: Date | null,
): Promise<void> {
  await db
    .updateTable('actor')
    .set((eb) => ({
      identity_due_at: retryAt,
      identity_attempts: eb('identity_attempts', '+', 1),
    }))
    .where('did', '=', did)
    .execute()
}

/** Gives back actors taken but not resolved (a stopping resolver): due again at once. */
export async function releaseIdentities(db: Kysely<IndexSchema>, dids: string[]): Promise<void> {
  if (dids.length === 0) return
  await db
    .updateTable('actor')
    .set({ identity_due_at: sql`now()` })
    .where('did', '=', anyOf(dids))
    .execute()
}

/** How many actors have an identity lookup waiting. */
export async function pendingIdentities(db: Kysely<IndexSchema>): Promise<number> {
  const row = await db
    .selectFrom('actor')
    .select(sql<number>`count(*)::int`.as('n'))
    .where('identity_due_at', 'is not', null)
    .executeTakeFirstOrThrow()
  return row.n
}
