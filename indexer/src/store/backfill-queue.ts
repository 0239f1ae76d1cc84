import { anyOf, type IndexSchema, insertRows } from '@plyr/db'
import { type Kysely, sql } from 'kysely'

type Db = Kysely<IndexSchema>

/** Queues repos for backfill, due now; a repo already queued or done is left as it is. */
export async function queueRepos(db: Db, dids: string[]): Promise<void> {
  const now = new Date()
  await insertRows(
    db,
    'backfill_repo',
    ['did', 'queued_at', 'due_at'],
    [...new Set(dids)].map((did) => ({ did, queued_at: now, due_at: now })),
    sql`(did) do nothing`,
  )
}

/**
 * Takes up to `limit` due repos, oldest first, held for `leaseMs`: a process that stops
 * before finishing them leaves them due again once the lease runs out, and two backfillers
 * never take the same repo at once.
 */
export async function takeDueRepos(
  db: Db,
  limit: number,
  leaseMs: number,
): Promise<{ did: string; attempts: number }[]> {
  const { rows } = await sql<{ did: string; attempts: number }>`
    update backfill_repo set due_at = now() + make_interval(secs => ${leaseMs / 1000})
    where did in (
      select did from backfill_repo
      where done_at is null and due_at <= now()
      order by due_at
      limit ${limit}
      for update skip locked
    )
    returning did, attempts
  `.execute(db)
  return rows
}

/** A repo's backfill finished (queued or not: the command line backfills on request). */
export async function repoDone(db: Db, did: string, records: number): Promise<void> {
  const now = new Date()
  await db
    .insertInto('backfill_repo')
    .values({ did, queued_at: now, done_at: now, records })
    .onConflict((oc) =>
      oc.column('did').doUpdateSet({ done_at: now, due_at: null, records, last_error: null }),
    )
    .execute()
}

/** A failed backfill: tried again at `retryAt`, or never (null) once it failed too often. */
export async function repoFailed(
  db: Db,
  did: string,
  error: string,
  retryAt: Date | null,
): Promise<void> {
  await db
    .updateTable('backfill_repo')
    .set((eb) => ({ due_at: retryAt, last_error: error, attempts: eb('attempts', '+', 1) }))
    .where('did', '=', did)
    .execute()
}

/** Gives back repos taken but not finished (a stopping backfiller): due again at once. */
export async function releaseRepos(db: Db, dids: string[]): Promise<void> {
  if (dids.length === 0) return
  await db
    .updateTable('backfill_repo')
    .set({ due_at: sql`now()` })
    .where('did', '=', anyOf(dids))
    .where('done_at', 'is', null)
    .execute()
}

export type BackfillCounts = { pending: number; done: number; failed: number }

/** Repos waiting (due or retrying), done, and given up on. */
export async function backfillCounts(db: Db): Promise<BackfillCounts> {
  const row = await db
    .selectFrom('backfill_repo')
    .select([
      sql<number>`count(*) filter (where done_at is null and due_at is not null)::int`.as(
        'pending',
      ),
      sql<number>`count(*) filter (where done_at is not null)::int`.as('done'),
      sql<number>`count(*) filter (where done_at is null and due_at is null)::int`.as('failed'),
    ])
    .executeTakeFirstOrThrow()
  return row
}

/**
 * Queues repos for backfill on request (`npm run backfill` handed to this process): each is
 * due now and fetched again even if done before, with its failures forgotten.
 */
export async function requeueRepos(db: Db, dids: string[]): Promise<void> {
  const now = new Date()
  await insertRows(
    db,
    'backfill_repo',
    ['did', 'queued_at', 'due_at'],
    [...new Set(dids)].map((did) => ({ did, queued_at: now, due_at: now })),
    sql`(did) do update set queued_at = excluded.queued_at, due_at = excluded.due_at,
      done_at = null, attempts = 0, last_error = null`,
  )
}

export type RequestProgress = {
  /** Repos fetched since they were requested, and the records read from them. */
  done: number
  records: number
  /** Repos whose fetch failed at least once since (retried with backoff), with the error. */
  failed: { did: string; error: string }[]
}

/** How far a request of `requeueRepos` has come. */
export async function requestProgress(db: Db, dids: string[]): Promise<RequestProgress> {
  const rows = await db
    .selectFrom('backfill_repo')
    .select(['did', 'done_at', 'records', 'attempts', 'last_error'])
    .where('did', '=', anyOf(dids))
    .where((eb) => eb.or([eb('done_at', 'is not', null), eb('attempts', '>', 0)]))
    .execute()
  const done = rows.filter((r) => r.done_at)
  return {
    done: done.length,
    records: done.reduce((sum, r) => sum + (r.records ?? 0), 0),
    failed: rows
      .filter((r) => !r.done_at)
      .map((r) => ({ did: r.did, error: r.last_error ?? 'failed' })),
  }
}
