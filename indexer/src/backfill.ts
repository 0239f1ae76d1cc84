import { type Identity, pdsEndpoint, xrpcGet } from '@plyr/core'
import {
  type IndexSchema,
  retryWhileDatabaseUnavailable,
  warnWhileDatabaseUnavailable,
} from '@plyr/db'
import { isValidTid } from '@atproto/syntax'
import { trace } from '@opentelemetry/api'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { type CommitEvent, commitProblem, recordFromJson } from './events.js'
import type { IndexerMetrics } from './metrics.js'
import type { Processor } from './processor.js'
import {
  type BackfillCounts,
  backfillCounts,
  queueRepos,
  releaseRepos,
  repoDone,
  repoFailed,
  requestProgress,
  type RequestProgress,
  requeueRepos,
  takeDueRepos,
} from './store/backfill-queue.js'

const tracer = trace.getTracer('@plyr/indexer')

export type BackfillOptions = {
  db: Kysely<IndexSchema>
  processor: Processor
  identity: Identity
  /** The collections to fetch from each repo. */
  collections: string[]
  logger: Logger
  metrics?: IndexerMetrics
  /** Repos backfilled at once. */
  concurrency: number
  timeoutMs?: number
  /** How long to wait before looking again when nothing is due. */
  idleMs?: number
}

export class BackfillError extends Error {
  override name = 'BackfillError'
}

/** The first retry waits this long; each failure doubles it, up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 30_000
const MAX_BACKOFF_MS = 6 * 60 * 60_000
/** After this many failures in a row a repo is given up on (shown as failed). */
const MAX_ATTEMPTS = 10
/** How long a taken repo is held before another backfiller may take it. */
const LEASE_MS = 10 * 60_000

/**
 * Fetches the existing records of repos from their PDSes and indexes them through the
 * processor, as versions of the repo's latest commit: a newer event from the stream still
 * wins, an older replay still loses. The queue is the `backfill_repo` table: a repo is
 * fetched once (a repo done is not fetched again), with bounded concurrency, failures
 * retried with backoff, and an interrupted backfill resumes after a restart.
 */
export class Backfiller implements AsyncDisposable {
  private readonly stop = new AbortController()
  private running?: Promise<void>
  private wake?: () => void
  private counts: BackfillCounts = { pending: 0, done: 0, failed: 0 }

  constructor(private readonly opts: BackfillOptions) {}

  /** Starts taking queued repos. */
  start(): void {
    this.running ??= this.run()
  }

  /** Queues repos for backfill (each once: one queued or done before is left alone). */
  async enqueue(dids: string[]): Promise<void> {
    if (dids.length === 0) return
    await this.waitingForDatabase(() => queueRepos(this.opts.db, dids))
    this.wake?.()
  }

  /** Queues repos on request: fetched again even if done before (`npm run backfill`). */
  async request(dids: string[]): Promise<void> {
    if (dids.length === 0) return
    await requeueRepos(this.opts.db, dids)
    this.wake?.()
  }

  /** How far a `request` has come. */
  requestProgress(dids: string[]): Promise<RequestProgress> {
    return requestProgress(this.opts.db, dids)
  }

  /** The queue as of the last round: repos waiting, done, given up on. */
  progress(): BackfillCounts {
    return { ...this.counts }
  }

  /** Backfills every repo due now, then returns (tests). */
  async drained(): Promise<void> {
    while ((await this.round()) > 0);
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      let taken = 0
      try {
        taken = await this.round()
        this.counts = await backfillCounts(this.opts.db)
        this.opts.metrics?.backfillQueued.set(this.counts.pending)
      } catch (err) {
        this.opts.logger.warn({ err: String(err) }, 'backfill: round failed; trying again')
      }
      if (taken === 0) await this.idle()
    }
  }

  /** One round: takes due repos (a few per lane) and backfills them; returns how many. */
  private async round(): Promise<number> {
    const { concurrency } = this.opts
    const batch = await takeDueRepos(this.opts.db, concurrency * 2, LEASE_MS)
    let next = 0
    const unfinished = new Set(batch.map((b) => b.did))
    const worker = async () => {
      while (next < batch.length && !this.stop.signal.aborted) {
        const { did, attempts } = batch[next++]!
        if (await this.attempt(did, attempts)) unfinished.delete(did)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker))
    // stopping: what was taken and not finished is due again at once
    await releaseRepos(this.opts.db, [...unfinished])
    return batch.length
  }

  /** Backfills one queued repo; false when it was cut short by stopping. */
  private async attempt(did: string, attempts: number): Promise<boolean> {
    const { metrics, logger } = this.opts
    try {
      await this.backfillRepo(did)
      metrics?.backfillDone.inc({ result: 'ok' })
      return true
    } catch (err) {
      if (this.stop.signal.aborted) return false
      const failures = attempts + 1
      const retryAt =
        failures >= MAX_ATTEMPTS
          ? null
          : new Date(Date.now() + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempts))
      await this.waitingForDatabase(() => repoFailed(this.opts.db, did, String(err), retryAt))
      metrics?.backfillDone.inc({ result: 'failed' })
      logger.warn({ did, err: String(err), failures, retryAt }, 'backfill failed')
      return true
    }
  }

  /**
   * Indexes every record of `did` in our collections and marks the repo done (with the
   * PDS it was read from); returns how many records were read.
   */
  async backfillRepo(did: string): Promise<number> {
    return tracer.startActiveSpan('backfill.repo', async (span) => {
      try {
        const { pds } = await this.opts.identity.resolver.did.resolveAtprotoData(did)
        const { rev } = await this.get<{ rev: unknown }>(pds, 'com.atproto.sync.getLatestCommit', {
          did,
        })
        // the rev orders these records against later commits: a malformed one would not
        if (!isValidTid(rev)) throw new BackfillError(`${pds} gave no valid rev for ${did}`)
        let count = 0
        for (const collection of this.opts.collections) {
          for await (const page of this.listRecords(pds, did, collection, rev)) {
            this.stop.signal.throwIfAborted()
            count += page.length
            await this.waitingForDatabase(() => this.opts.processor.apply(page))
          }
        }
        await this.waitingForDatabase(() => this.markDone(did, count, pdsEndpoint(pds)))
        this.opts.logger.info({ did, records: count }, 'backfilled repo')
        return count
      } finally {
        span.end()
      }
    })
  }

  private async markDone(did: string, records: number, pds: string | undefined): Promise<void> {
    await repoDone(this.opts.db, did, records)
    if (pds) {
      await this.opts.db.updateTable('actor').set({ pds }).where('did', '=', did).execute()
    }
  }

  private async *listRecords(pds: string, did: string, collection: string, rev: string) {
    let cursor: string | undefined
    do {
      const page = await this.get<{ records?: unknown[]; cursor?: string }>(
        pds,
        'com.atproto.repo.listRecords',
        { repo: did, collection, limit: '100', ...(cursor ? { cursor } : {}) },
      )
      const events: CommitEvent[] = []
      for (const item of page.records ?? []) {
        const evt = toCreate(item, did, collection, rev)
        if (evt) events.push(evt)
      }
      yield events
      cursor = typeof page.cursor === 'string' && page.records?.length ? page.cursor : undefined
    } while (cursor)
  }

  private async get<T>(service: string, nsid: string, params: Record<string, string>): Promise<T> {
    const res = await xrpcGet(
      this.opts.identity.fetch,
      service,
      nsid,
      params,
      this.opts.timeoutMs ?? 15_000,
      this.stop.signal,
    )
    if (!res.ok) throw new BackfillError(`${nsid} on ${service} answered ${res.status}`)
    return (await res.json()) as T
  }

  /**
   * Runs a write, waiting while the database is away (a repo half written is finished
   * when it returns, not counted as a failure of its PDS); stopping ends the wait.
   */
  private waitingForDatabase<T>(write: () => Promise<T>): Promise<T> {
    return retryWhileDatabaseUnavailable(write, {
      signal: this.stop.signal,
      onRetry: warnWhileDatabaseUnavailable(
        this.opts.logger,
        'backfill: the database is unreachable; waiting for it',
      ),
    })
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(t)
        this.stop.signal.removeEventListener('abort', done)
        resolve()
      }
      const t = setTimeout(done, this.opts.idleMs ?? 2000)
      this.stop.signal.addEventListener('abort', done, { once: true })
      this.wake = done
    })
  }

  /** Stops at once: fetches in flight are abandoned, their repos due again. */
  async destroy(): Promise<void> {
    this.stop.abort()
    this.wake?.()
    await this.running
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

/** A listRecords item as a create event at the repo's latest rev; undefined if malformed. */
function toCreate(
  item: unknown,
  did: string,
  collection: string,
  rev: string,
): CommitEvent | undefined {
  if (!item || typeof item !== 'object') return undefined
  const { uri, cid, value } = item as { uri?: unknown; cid?: unknown; value?: unknown }
  const prefix = `at://${did}/${collection}/`
  if (typeof uri !== 'string' || !uri.startsWith(prefix) || typeof cid !== 'string')
    return undefined
  if (!value || typeof value !== 'object') return undefined
  const ids = { did, collection, rkey: uri.slice(prefix.length), rev, cid }
  if (commitProblem(ids)) return undefined
  const record = recordFromJson(value)
  if (!record) return undefined
  return { kind: 'commit', op: 'create', uri, record, recordJson: value, ...ids }
}
