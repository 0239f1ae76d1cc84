// npm run start:indexer: the indexer as its own process, writing to DATABASE_URL (or the
// embedded database under DATA_DIR), for deployments that run AppView replicas apart.
import { Database } from '@plyr/db'
import { pino } from 'pino'
import { indexerConfigFromEnv } from '../config.js'
import { Indexer } from '../indexer.js'

const logger = pino({ name: 'plyr-indexer', level: process.env.LOG_LEVEL || 'info' })
const cfg = indexerConfigFromEnv()
const database = await Database.open(
  process.env.DATABASE_URL
    ? { databaseUrl: process.env.DATABASE_URL }
    : { dataDir: process.env.DATA_DIR || './data' },
)
await database.migrate()
const indexer = await Indexer.create(cfg, database.db, logger)
indexer.start()
logger.info({ source: cfg.firehoseUrl, database: database.kind }, 'indexer is up')

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    void (async () => {
      await indexer.destroy()
      await database.destroy()
      logger.info('indexer stopped')
      process.exit(0)
    })()
  })
}
