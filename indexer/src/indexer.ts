import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { createActorLookup, createIdentity, type Identity } from '@plyr/core'
import type { IndexSchema } from '@plyr/db'
import { Backfiller } from './backfill.js'
import type { IndexerConfig } from './config.js'
import { IndexerMetrics } from './metrics.js'
import { createPlugins } from './plugins/index.js'
import { type ActorLookup, Processor } from './processor.js'
import type { HealthTracker, SourceHealth } from './sources/health.js'

type EventSource = { health: HealthTracker; start(): void; destroy(): Promise<void> }
import { loadCursor } from './store/cursors.js'

export type IndexerHealth = SourceHealth & { degraded: boolean; lagThresholdMs: number }

/**
 * The indexer: one event source (Jetstream or the firehose) feeding the processor, and
 * the backfiller that fetches each new actor's existing records.
 */
export class Indexer implements AsyncDisposable {
  readonly metrics: IndexerMetrics
  readonly processor: Processor
  readonly backfiller: Backfiller
  readonly identity: Identity
  private source!: EventSource

  /**
   * Builds the indexer; the source's module is loaded only for the source configured
   * (the firehose brings the whole XRPC stack along).
   */
  static async create(
    cfg: IndexerConfig,
    db: Kysely<IndexSchema>,
    logger: Logger,
    /** Replaces identity lookups (the benchmark's synthetic network has no PLC). */
    lookupActor?: ActorLookup,
  ): Promise<Indexer> {
    const indexer = new Indexer(cfg, db, logger, lookupActor)
    const common = {
      processor: indexer.processor,
      collections: indexer.collections,
      loadCursor: (source: string) => loadCursor(db, source),
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
    logger: Logger,
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
    this.processor = new Processor({
      db,
      plugins,
      writers: cfg.writers,
      lookupActor: lookupActor ?? createActorLookup(cfg.identity, identity, logger),
      onNewActor: (did) => {
        if (cfg.backfillNewActors) this.backfiller.enqueue(did)
      },
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
  }

  start(): void {
    this.source.start()
    if (this.cfg.backfillNewActors) void this.backfiller.resume()
  }

  health(): IndexerHealth {
    const snapshot = this.source.health.snapshot()
    const lagging = snapshot.lagMs !== null && snapshot.lagMs > this.cfg.lagDegradedMs
    return {
      ...snapshot,
      degraded: snapshot.state !== 'connected' || lagging,
      lagThresholdMs: this.cfg.lagDegradedMs,
    }
  }

  /** Stops reading, finishes the batch being written, and lets running backfills end. */
  async destroy(): Promise<void> {
    await this.source.destroy()
    await this.backfiller.destroy()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
