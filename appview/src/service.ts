import { Database } from '@plyr/db'
import { Indexer } from '@plyr/indexer'
import type { Logger } from 'pino'
import type { AppViewConfig } from './config.js'
import { AppViewServer } from './server.js'

/**
 * The AppView with, when configured, the indexer in the same process: what `npm start`
 * runs, and what the dev network and end-to-end tests start.
 */
export class PlyrService implements AsyncDisposable {
  private constructor(
    readonly database: Database,
    readonly server: AppViewServer,
    readonly indexer: Indexer | undefined,
    readonly port: number,
    private readonly logger: Logger,
  ) {}

  static async start(cfg: AppViewConfig, logger: Logger): Promise<PlyrService> {
    const database = await Database.open(cfg.database)
    await database.migrate()
    const indexer = cfg.runIndexer
      ? await Indexer.create(cfg.indexer, database.db, logger.child({ subsystem: 'indexer' }))
      : undefined
    const server = new AppViewServer({
      cfg,
      db: database.db,
      logger: logger.child({ subsystem: 'appview' }),
      indexer,
    })
    const port = await server.start(cfg.port)
    indexer?.start()
    logger.info(
      { port, database: database.kind, indexer: cfg.runIndexer ? cfg.indexer.source : 'off' },
      'plyr is up',
    )
    return new PlyrService(database, server, indexer, port, logger)
  }

  get url(): string {
    return `http://localhost:${this.port}`
  }

  /** Stops taking requests, lets the indexer finish its current batch, then closes the db. */
  async destroy(): Promise<void> {
    await this.server.destroy()
    await this.indexer?.destroy()
    await this.database.destroy()
    this.logger.info('plyr stopped')
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
