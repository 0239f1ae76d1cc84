import type { ActorLookup } from '@plyr/core'
import {
  type IndexSchema,
  retryWhileDatabaseUnavailable,
  warnWhileDatabaseUnavailable,
} from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { IndexerMetrics } from './metrics.js'
import {
  identityFailed,
  pendingIdentities,
  releaseIdentities,
  setIdentity,
  takeDueIdentities,
} from './store/actors.js'

export type IdentityResolverOptions = {
  db: Kysely<IndexSchema>
  lookup: ActorLookup
  logger: Logger
  metrics?: IndexerMetrics
  /** Lookups in flight at once. */
  concurrency?: number
  /** Lookups started per second, at most. */
  perSecond?: number
  /** How long to wait before looking again when nothing is due. */
  idleMs?: number
}

/** The first retry waits this long; each failure doubles it, up to MAX_BACKOFF_MS. */
const FIRST_BACKOFF_MS = 30_000
const MAX_BACKOFF_MS = 6 * 60 * 60_000
/** After this many failures in a row an actor is left unresolved (until its next identity event). */
const MAX_ATTEMPTS = 12
/** How long a taken actor is held before another resolver may take it. */
const LEASE_MS = 5 * 60_000

/**
 * Resolves actors' identities (handle, PDS, display name) in the background, from the
 * queue the processor fills (`actor.identity_due_at`): records are indexed at once, and
 * their authors' handles follow when the directory answers. Bounded in concurrency and
 * rate; a failed lookup is retried with exponential backoff; the queue is in the database,
 * so a restart loses none. Stopping does not wait for lookups in flight: what they took is
 * given back, due again, and their answers are dropped.
 */
export class IdentityResolver implements AsyncDisposable {
  private readonly stop = new AbortController()
  private running?: Promise<void>
  /** The background loop's round in progress, if any. */
  private current?: Promise<number>
  private wake?: () => void
  private readonly inFlight = new Set<string>()
  private pending = 0

  constructor(private readonly opts: IdentityResolverOptions) {}

  start(): void {
    this.running ??= this.run()
  }

  /** New work was queued: look now rather than after the idle wait. */
  notify(): void {
    this.wake?.()
  }

  /** How many actors have a lookup waiting (as of the last round). */
  get queued(): number {
    return this.pending
  }

  /**
   * Resolves every actor due now, then returns (the backfill CLI, the benchmark, tests),
   * including those the background loop has taken and is still resolving.
   */
  async drain(): Promise<void> {
    for (;;) {
      await this.current?.catch(() => 0)
      if ((await this.round()) === 0 && this.current === undefined) return
    }
  }

  private async run(): Promise<void> {
    while (!this.stop.signal.aborted) {
      let taken = 0
      try {
        this.current = this.round()
        taken = await this.current
        this.pending = await pendingIdentities(this.opts.db)
        this.opts.metrics?.identityQueued.set(this.pending)
      } catch (err) {
        // the database is away: try again after the idle wait
        this.opts.logger.warn({ err: String(err) }, 'identity resolver: round failed')
      } finally {
        this.current = undefined
      }
      if (taken === 0) await this.idle()
    }
  }

  /** One round: takes the due actors (a batch) and resolves them; returns how many. */
  private async round(): Promise<number> {
    const { concurrency = 4, perSecond = 20 } = this.opts
    const batch = await takeDueIdentities(this.opts.db, concurrency * 4, LEASE_MS)
    const spacing = 1000 / perSecond
    let next = 0
    const worker = async () => {
      while (next < batch.length && !this.stop.signal.aborted) {
        const item = batch[next++]!
        await this.resolve(item.did, item.attempts)
        await sleep(spacing * concurrency, this.stop.signal)
      }
    }
    await Promise.all(Array.from({ length: Math.min(concurrency, batch.length) }, worker))
    // taken but not started (stopping): due again at once for the next process
    const untouched = batch.slice(next).map((b) => b.did)
    await releaseIdentities(this.opts.db, [...untouched, ...this.inFlight])
    return batch.length
  }

  private async resolve(did: string, attempts: number): Promise<void> {
    const { db, lookup, logger, metrics } = this.opts
    this.inFlight.add(did)
    const stopped = new Promise<'stopped'>((resolve) =>
      this.stop.signal.addEventListener('abort', () => resolve('stopped'), { once: true }),
    )
    try {
      const identity = await Promise.race([lookup(did), stopped])
      if (identity === 'stopped') return
      this.inFlight.delete(did)
      await this.waitingForDatabase(() => setIdentity(db, did, identity))
      metrics?.identityLookups.inc({ result: 'ok' })
    } catch (err) {
      if (this.stop.signal.aborted) return
      this.inFlight.delete(did)
      const failures = attempts + 1
      const retryAt =
        failures >= MAX_ATTEMPTS
          ? null
          : new Date(Date.now() + Math.min(MAX_BACKOFF_MS, FIRST_BACKOFF_MS * 2 ** attempts))
      await this.waitingForDatabase(() => identityFailed(db, did, retryAt))
      metrics?.identityLookups.inc({ result: 'failed' })
      logger.warn(
        { did, err: String(err), failures, retryAt },
        'identity lookup failed; the actor keeps its last known identity',
      )
    }
  }

  /** Stores a lookup's outcome, waiting while the database is away; stopping ends the wait. */
  private waitingForDatabase<T>(write: () => Promise<T>): Promise<T> {
    return retryWhileDatabaseUnavailable(write, {
      signal: this.stop.signal,
      onRetry: warnWhileDatabaseUnavailable(
        this.opts.logger,
        'identity resolver: the database is unreachable; waiting for it',
      ),
    })
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(done, this.opts.idleMs ?? 1000)
      const onAbort = () => done()
      this.stop.signal.addEventListener('abort', onAbort, { once: true })
      function done() {
        clearTimeout(t)
        resolve()
      }
      this.wake = () => {
        this.stop.signal.removeEventListener('abort', onAbort)
        done()
      }
    })
  }

  /** Stops at once; lookups in flight are abandoned and their actors given back. */
  async destroy(): Promise<void> {
    this.stop.abort()
    await this.running
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (ms <= 0 || signal.aborted) return Promise.resolve()
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t)
        resolve()
      },
      { once: true },
    )
  })
}
