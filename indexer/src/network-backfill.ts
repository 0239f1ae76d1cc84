import { type IndexSchema, retryWhileDatabaseUnavailable } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Backfiller } from './backfill.js'
import type { IndexerMetrics } from './metrics.js'
import { listReposByCollection } from './relay.js'

export type NetworkBackfillOptions = {
  db: Kysely<IndexSchema>
  backfiller: Backfiller
  fetch: typeof globalThis.fetch
  /** The relay listing repos (RELAY_URL). */
  relay: string
  /** The collection whose holders are backfilled: the namespace's tracks. */
  collection: string
  logger: Logger
  metrics?: IndexerMetrics
}

export type NetworkBackfillState = {
  /** `waiting`: not listing (the index was not empty at the first start). */
  state: 'waiting' | 'listing' | 'complete'
  relay: string
  /** Repos the relay listed so far. */
  listed: number
  lastError: string | null
}

const MAX_BACKOFF_MS = 5 * 60_000

/**
 * The index starts complete: on the first start (an empty index), every repo holding the
 * namespace's tracks is listed from the relay (listReposByCollection, a page at a time)
 * and queued for backfill, while the live stream is followed. The listing's position is
 * saved with each page (`backfill_listing`), so an interrupted start resumes where it
 * stopped; the backfill queue makes each repo fetched once.
 */
export class NetworkBackfill implements AsyncDisposable {
  private readonly stop = new AbortController()
  private running?: Promise<void>
  private status: NetworkBackfillState

  constructor(private readonly opts: NetworkBackfillOptions) {
    this.status = { state: 'waiting', relay: opts.relay, listed: 0, lastError: null }
  }

  /**
   * Begins (or resumes) the listing when it was started before and is unfinished, or when
   * the index is empty. Called before the event source starts, so that "empty" means this
   * is the first start.
   */
  async start(): Promise<void> {
    const { db, relay, collection } = this.opts
    let listing = await db
      .selectFrom('backfill_listing')
      .selectAll()
      .where('relay', '=', relay)
      .where('collection', '=', collection)
      .executeTakeFirst()
    if (!listing) {
      const [cursor, record] = await Promise.all([
        db.selectFrom('cursor').select('source').limit(1).executeTakeFirst(),
        db.selectFrom('record').select('uri').limit(1).executeTakeFirst(),
      ])
      if (cursor || record) return // not the first start: nothing to list
      listing = await db
        .insertInto('backfill_listing')
        .values({ relay, collection, started_at: new Date() })
        .returningAll()
        .executeTakeFirstOrThrow()
    }
    this.status.listed = listing.listed
    if (listing.completed_at) {
      this.status.state = 'complete'
      return
    }
    this.status.state = 'listing'
    this.running = this.list(listing.cursor ?? undefined)
  }

  health(): NetworkBackfillState {
    return { ...this.status }
  }

  /** Lists pages from `cursor` on, queueing each page's repos, until the relay has no more. */
  private async list(cursor: string | undefined): Promise<void> {
    const { db, relay, collection, logger } = this.opts
    let failures = 0
    while (!this.stop.signal.aborted) {
      try {
        const pages = listReposByCollection(
          this.opts.fetch,
          relay,
          collection,
          cursor,
          this.stop.signal,
        )
        for await (const page of pages) {
          await this.opts.backfiller.enqueue(page.dids)
          const listed = this.status.listed + page.dids.length
          // the database being away holds the listing here, not back to a retry of the page
          await retryWhileDatabaseUnavailable(
            () =>
              db
                .updateTable('backfill_listing')
                .set({
                  cursor: page.cursor ?? null,
                  listed,
                  ...(page.cursor ? {} : { completed_at: new Date() }),
                })
                .where('relay', '=', relay)
                .where('collection', '=', collection)
                .execute(),
            { signal: this.stop.signal },
          )
          this.status.listed = listed
          this.opts.metrics?.backfillListed.set(listed)
          cursor = page.cursor
          failures = 0
        }
        this.status.state = 'complete'
        this.status.lastError = null
        logger.info({ relay, listed: this.status.listed }, 'network backfill: listing complete')
        return
      } catch (err) {
        if (this.stop.signal.aborted) return
        this.status.lastError = String(err)
        const delay = Math.min(MAX_BACKOFF_MS, 1000 * 2 ** failures++)
        logger.warn(
          { relay, err: String(err), retryInMs: delay },
          'network backfill: listing repos failed; retrying',
        )
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, delay)
          this.stop.signal.addEventListener(
            'abort',
            () => {
              clearTimeout(t)
              resolve()
            },
            { once: true },
          )
        })
      }
    }
  }

  async destroy(): Promise<void> {
    this.stop.abort()
    await this.running
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
