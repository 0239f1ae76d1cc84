import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { trace } from '@opentelemetry/api'
import type { IndexSchema } from '@plyr/db'
import { isValidTid } from '@atproto/syntax'
import { type CommitEvent, commitProblem, recordFromJson } from './events.js'
import type { IndexerMetrics } from './metrics.js'
import type { Processor } from './processor.js'
import { type Identity, pdsEndpoint, xrpcGet } from '@plyr/core'
import { actorsAwaitingBackfill, markBackfilled } from './store/actors.js'

const tracer = trace.getTracer('@plyr/indexer')

export type BackfillOptions = {
  db: Kysely<IndexSchema>
  processor: Processor
  identity: Identity
  /** The collections to fetch from each repo. */
  collections: string[]
  logger: Logger
  metrics?: IndexerMetrics
  concurrency: number
  timeoutMs?: number
}

export class BackfillError extends Error {}

/**
 * Fetches the existing records of a repo from its PDS and indexes them through the
 * processor, as versions of the repo's latest commit: a newer event from the stream
 * still wins, an older replay still loses. Each repo once; a queue with bounded concurrency.
 */
export class Backfiller {
  private readonly queue: string[] = []
  private readonly pending = new Set<string>()
  private active = 0
  private idle?: () => void
  private stopped = false

  constructor(private readonly opts: BackfillOptions) {}

  /** Queues the actors whose backfill never finished (e.g. the process stopped). */
  async resume(): Promise<void> {
    for (const did of await actorsAwaitingBackfill(this.opts.db, 10_000)) this.enqueue(did)
  }

  enqueue(did: string): void {
    if (this.stopped || this.pending.has(did)) return
    this.pending.add(did)
    this.queue.push(did)
    this.opts.metrics?.backfillQueued.set(this.queue.length)
    this.pump()
  }

  /** Resolves when the queue is empty and nothing is running. */
  drained(): Promise<void> {
    if (this.active === 0 && this.queue.length === 0) return Promise.resolve()
    return new Promise((resolve) => (this.idle = resolve))
  }

  private pump(): void {
    while (!this.stopped && this.active < this.opts.concurrency && this.queue.length > 0) {
      const did = this.queue.shift()!
      this.opts.metrics?.backfillQueued.set(this.queue.length)
      this.active++
      void this.backfillRepo(did)
        .then(() => this.opts.metrics?.backfillDone.inc({ result: 'ok' }))
        .catch((err: unknown) => {
          this.opts.metrics?.backfillDone.inc({ result: 'failed' })
          this.opts.logger.warn(
            { did, err: String(err) },
            'backfill failed; it is retried on restart',
          )
        })
        .finally(() => {
          this.active--
          this.pending.delete(did)
          this.pump()
          if (this.active === 0 && this.queue.length === 0) this.idle?.()
        })
    }
  }

  /** Indexes every record of `did` in our collections; returns how many were read. */
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
            count += page.length
            await this.opts.processor.apply(page)
          }
        }
        await markBackfilled(this.opts.db, did, pdsEndpoint(pds))
        this.opts.logger.info({ did, records: count }, 'backfilled repo')
        return count
      } finally {
        span.end()
      }
    })
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
    )
    if (!res.ok) throw new BackfillError(`${nsid} on ${service} answered ${res.status}`)
    return (await res.json()) as T
  }

  async destroy(): Promise<void> {
    this.stopped = true
    this.queue.length = 0
    await this.drained()
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
