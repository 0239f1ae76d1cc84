import { type ActorLookup, createActorLookup, createIdentity, type Identity } from '@plyr/core'
import type { DataDirLock, IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { Backfiller } from './backfill.js'
import { BackfillControl } from './backfill-control.js'
import type { IndexerConfig } from './config.js'
import { IdentityResolver } from './identity-resolver.js'
import { IndexerMetrics } from './metrics.js'
import { NetworkBackfill, type NetworkBackfillState } from './network-backfill.js'
import { createPlugins } from './plugins/index.js'
import { Processor } from './processor.js'
import type { HealthTracker, SourceHealth } from './sources/health.js'
import { loadCursor, saveStartingCursor } from './store/cursors.js'

type EventSource = { health: HealthTracker; start(): void; destroy(): Promise<void> }

export type IndexerHealth = SourceHealth & {
  degraded: boolean
  lagThresholdMs: number
  /** The backfill queue: repos waiting, done, given up on; the first start's listing. */
  backfill: { pending: number; done: number; failed: number; network: NetworkBackfillState }
  /** Actors whose identity is waiting to be resolved. */
  identityQueue: number
}

/**
 * The indexer: one event source (Jetstream or the firehose) feeding the processor; the
 * backfiller fetching the existing records of each new actor (and, on the first start,
 * of every repo the relay lists); the identity resolver filling in handles and PDSes in
 * the background.
 */
export class Indexer implements AsyncDisposable {
  readonly metrics: IndexerMetrics
  readonly processor: Processor
  readonly backfiller: Backfiller
  readonly identities: IdentityResolver
  readonly identity: Identity
  private readonly network?: NetworkBackfill
  private source!: EventSource
  private control?: BackfillControl

  /**
   * Builds the indexer; the source's module is loaded only for the source configured
   * (the firehose brings the whole XRPC stack along).
   */
  static async create(
    cfg: IndexerConfig,
    db: Kysely<IndexSchema>,
    logger: Logger,
    /** Replaces identity lookups (tests, and the benchmark's network, which has no PLC). */
    lookupActor?: ActorLookup,
  ): Promise<Indexer> {
    const indexer = new Indexer(cfg, db, logger, lookupActor)
    const common = {
      processor: indexer.processor,
      collections: indexer.collections,
      loadCursor: (source: string) => loadCursor(db, source),
      saveStartingCursor: (source: string, cursor: number) =>
        saveStartingCursor(db, source, cursor),
      onError: (reason: string) => indexer.metrics.errors.inc({ reason }),
    }
    if (cfg.source === 'jetstream') {
      const { JetstreamSource } = await import('./sources/jetstream.js')
      indexer.source = new JetstreamSource({
        ...common,
        urls: cfg.jetstreamUrls,
        stallMs: cfg.stallMs,
        batchSize: cfg.batchSize,
        logger: logger.child({ source: 'jetstream' }),
      })
    } else {
      const { FirehoseSource } = await import('./sources/firehose.js')
      indexer.source = new FirehoseSource({
        ...common,
        url: cfg.firehoseUrl,
        resolver: indexer.identity.resolver,
        logger: logger.child({ source: 'firehose' }),
      })
    }
    return indexer
  }

  private readonly collections: string[]

  private constructor(
    private readonly cfg: IndexerConfig,
    db: Kysely<IndexSchema>,
    private readonly logger: Logger,
    lookupActor?: ActorLookup,
  ) {
    const identity = createIdentity(cfg.identity)
    this.identity = identity
    const plugins = createPlugins(cfg.namespace, {
      trustedMediaOrigins: new Set(cfg.trustedMediaOrigins),
    })
    const collections = [...plugins.keys()]
    this.collections = collections
    this.metrics = new IndexerMetrics(() => this.source.health.snapshot())
    this.identities = new IdentityResolver({
      db,
      lookup: lookupActor ?? createActorLookup(cfg.identity, identity, logger),
      logger: logger.child({ subsystem: 'identity' }),
      metrics: this.metrics,
    })
    this.processor = new Processor({
      db,
      plugins,
      writers: cfg.writers,
      onNewActor: (did) => {
        if (cfg.backfillNewActors) void this.backfiller.enqueue([did]).catch(() => {})
      },
      onIdentitiesDue: () => this.identities.notify(),
      metrics: this.metrics,
      logger,
    })
    this.backfiller = new Backfiller({
      db,
      processor: this.processor,
      identity,
      collections,
      logger: logger.child({ subsystem: 'backfill' }),
      metrics: this.metrics,
      concurrency: cfg.backfillConcurrency,
    })
    if (cfg.backfillNetworkOnStart) {
      this.network = new NetworkBackfill({
        db,
        backfiller: this.backfiller,
        fetch: identity.fetch,
        relay: cfg.relayUrl,
        collection: cfg.namespace.collection('track'),
        logger: logger.child({ subsystem: 'network-backfill' }),
        metrics: this.metrics,
      })
    }
  }

  /**
   * Starts every part: the first start's network listing is begun before the stream, so
   * that the index it finds empty is the one this start began with. Given the lock of the
   * embedded database this process owns, it also takes the backfill requests of `npm run
   * backfill` for it (BackfillControl), advertised in the lock.
   */
  async start(lock?: DataDirLock): Promise<void> {
    if (lock) {
      this.control = await BackfillControl.start(
        this.backfiller,
        this.logger.child({ subsystem: 'backfill-control' }),
      )
      lock.advertise(this.control.address)
    }
    await this.network?.start()
    this.source.start()
    this.backfiller.start()
    this.identities.start()
  }

  health(): IndexerHealth {
    const snapshot = this.source.health.snapshot()
    const lagging = snapshot.lagMs !== null && snapshot.lagMs > this.cfg.lagDegradedMs
    const network = this.network?.health() ?? {
      state: 'waiting' as const,
      relay: this.cfg.relayUrl,
      listed: 0,
      lastError: null,
    }
    return {
      ...snapshot,
      degraded: snapshot.state !== 'connected' || lagging || snapshot.writeError !== null,
      lagThresholdMs: this.cfg.lagDegradedMs,
      backfill: { ...this.backfiller.progress(), network },
      identityQueue: this.identities.queued,
    }
  }

  /**
   * Stops reading and lets the batch being written commit; stops listing, backfilling and
   * resolving at once (what they had taken is due again on the next start).
   */
  async destroy(): Promise<void> {
    await Promise.all([
      this.control?.destroy(),
      this.source.destroy(),
      this.network?.destroy(),
      this.backfiller.destroy(),
      this.identities.destroy(),
    ])
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
