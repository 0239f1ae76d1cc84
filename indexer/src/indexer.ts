import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { IndexSchema } from '@plyr/db'
import { PlyrNamespace } from '@plyr/lexicons'
import type { IndexerConfig } from './config.js'
import { createActorLookup, createIdentity } from './identity.js'
import { createPlugins } from './plugins/index.js'
import { Processor } from './processor.js'
import { FirehoseSource } from './sources/firehose.js'
import type { SourceHealth } from './sources/health.js'
import { loadCursor } from './store/cursors.js'

/** The indexer: one event source feeding the processor. */
export class Indexer implements AsyncDisposable {
  private readonly source: FirehoseSource

  constructor(cfg: IndexerConfig, db: Kysely<IndexSchema>, logger: Logger) {
    const namespace = new PlyrNamespace(cfg.namespace)
    const identityCfg = {
      plcUrl: cfg.plcUrl,
      handleResolverUrl: cfg.handleResolverUrl,
      allowPrivateNetwork: cfg.allowPrivateNetwork,
      timeoutMs: cfg.identityTimeoutMs,
    }
    const identity = createIdentity(identityCfg)
    const plugins = createPlugins(namespace, {
      trustedMediaOrigins: new Set(cfg.trustedMediaOrigins),
    })
    const processor = new Processor({
      db,
      plugins,
      lookupActor: createActorLookup(identityCfg, identity, logger),
      logger,
    })
    this.source = new FirehoseSource({
      url: cfg.firehoseUrl,
      processor,
      resolver: identity.resolver,
      collections: [...plugins.keys()],
      loadCursor: (source) => loadCursor(db, source),
      logger: logger.child({ source: 'firehose' }),
    })
  }

  start(): void {
    this.source.start()
  }

  health(): SourceHealth {
    return { ...this.source.health }
  }

  async destroy(): Promise<void> {
    await this.source.destroy()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
