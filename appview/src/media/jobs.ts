import { randomUUID } from 'node:crypto'
import type { IndexSchema, MediaJobTable, Tx } from '@plyr/db'
import { type Kysely, type Selectable, sql } from 'kysely'
import { referObject } from './objects.js'

export type Job = Selectable<MediaJobTable>

/**
 * Queues a job making (or, with `input.replace`, replacing the audio of) the track at
 * `rkey`. The job references its audio object: ObjectGoneError when a release took it.
 */
export async function enqueueJob(
  tx: Tx,
  job: { did: string; grantId: string; sha256: string; rkey: string; input: object },
): Promise<string> {
  await referObject(tx, job.sha256)
  const id = randomUUID()
  await tx
    .insertInto('media_job')
    .values({
      id,
      did: job.did,
      grant_id: job.grantId,
      sha256: job.sha256,
      rkey: job.rkey,
      input: JSON.stringify(job.input),
      state: 'queued',
      stage: 'queued',
    })
    .execute()
  return id
}

/** How long a running job's lease lasts without a renewal; past it the reaper takes over. */
export const LEASE_SECONDS = 60
/** A job interrupted (a crash, a restart) this many times fails instead of running again. */
export const MAX_ATTEMPTS = 3

/**
 * The next queued job, taken by this worker alone (`FOR UPDATE SKIP LOCKED`: two workers
 * never take the same job), running under a lease.
 */
export async function claimJob(db: Kysely<IndexSchema>): Promise<Job | undefined> {
  const { rows } = await sql<Job>`
    update media_job set state = 'running', attempts = attempts + 1,
      locked_until = now() + make_interval(secs => ${LEASE_SECONDS}), updated_at = now()
    where id = (
      select id from media_job where state = 'queued'
      order by created_at limit 1 for update skip locked
    )
    returning *`.execute(db)
  return rows[0]
}

/** Records a job's stage (and percent), renewing its lease. */
export async function reportJob(
  db: Kysely<IndexSchema>,
  id: string,
  stage: string,
  percent: number | null = null,
): Promise<void> {
  await db
    .updateTable('media_job')
    .set({
      stage,
      percent,
      updated_at: sql<Date>`now()`,
      locked_until: sql<Date>`now() + make_interval(secs => ${LEASE_SECONDS})`,
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .execute()
}

/**
 * Ends a running job. False when it was no longer running: cancelled (its account's plyr
 * data was deleted), so its reason stays and, for `done`, what it published is undone.
 */
export async function finishJob(
  db: Kysely<IndexSchema>,
  id: string,
  outcome: { state: 'done' } | { state: 'failed'; error: string },
): Promise<boolean> {
  const ended = await db
    .updateTable('media_job')
    .set({
      state: outcome.state,
      stage: outcome.state,
      percent: outcome.state === 'done' ? 100 : null,
      error: outcome.state === 'failed' ? outcome.error : null,
      locked_until: null,
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .where('state', '=', 'running')
    .executeTakeFirst()
  return ended.numUpdatedRows > 0n
}

/** The job was cancelled while it ran (its account's plyr data was deleted). */
export class JobCancelledError extends Error {
  constructor(readonly jobId: string) {
    super(`job ${jobId} was cancelled: the account's plyr data was deleted`)
  }
}

/**
 * Locks the job's row until `tx` ends, and throws JobCancelledError unless it is still
 * running: what the worker commits in `tx` then commits before a cancellation (which
 * waits for the lock, and deletes it) or not at all.
 */
export async function holdJob(tx: Tx, id: string): Promise<void> {
  const job = await tx
    .selectFrom('media_job')
    .select('state')
    .where('id', '=', id)
    .forUpdate()
    .executeTakeFirst()
  if (job?.state !== 'running') throw new JobCancelledError(id)
}

/**
 * Cancels an account's unfinished jobs (failed, saying why); a worker running one finds
 * out before it commits or publishes anything more. Returns their audio objects.
 */
export async function cancelAccountJobs(tx: Tx, did: string): Promise<string[]> {
  const jobs = await tx
    .updateTable('media_job')
    .set({
      state: 'failed',
      stage: 'failed',
      percent: null,
      error: "the account's plyr data was deleted",
      locked_until: null,
      updated_at: sql<Date>`now()`,
    })
    .where('did', '=', did)
    .where('state', 'in', ['queued', 'running'])
    .returning('sha256')
    .execute()
  return jobs.map((j) => j.sha256)
}

/**
 * The reaper: a running job whose lease ran out (its worker crashed or was stopped) is
 * queued again, or failed with the reason once it has been tried MAX_ATTEMPTS times.
 * Returns the failed jobs' upload objects, for release.
 */
export async function reapJobs(db: Kysely<IndexSchema>): Promise<string[]> {
  const failed = await db
    .updateTable('media_job')
    .set({
      state: 'failed',
      stage: 'failed',
      error: `processing was interrupted ${MAX_ATTEMPTS} times; upload the file again`,
      locked_until: null,
      updated_at: sql<Date>`now()`,
    })
    .where('state', '=', 'running')
    .where('locked_until', '<', sql<Date>`now()`)
    .where('attempts', '>=', MAX_ATTEMPTS)
    .returning('sha256')
    .execute()
  await db
    .updateTable('media_job')
    .set({ state: 'queued', stage: 'queued', percent: null, locked_until: null })
    .where('state', '=', 'running')
    .where('locked_until', '<', sql<Date>`now()`)
    .execute()
  return failed.map((f) => f.sha256)
}

/** Jobs by state, for /health and /metrics. */
export async function jobCounts(db: Kysely<IndexSchema>): Promise<Record<string, number>> {
  const rows = await db
    .selectFrom('media_job')
    .select(['state', (eb) => eb.fn.countAll<string>().as('n')])
    .groupBy('state')
    .execute()
  const counts: Record<string, number> = { queued: 0, running: 0, done: 0, failed: 0 }
  for (const r of rows) counts[r.state] = Number(r.n)
  return counts
}
