// npm run start:indexer: the indexer as its own process, writing to DATABASE_URL (or the
// embedded database under DATA_DIR), for deployments that run AppView replicas apart.
import { Database, databaseConfigFromEnv } from '@plyr/db'
import { pino } from 'pino'
import { indexerConfigFromEnv } from '../config.js'
import { Indexer } from '../indexer.js'
import { stopOnSignals } from '@plyr/core'

const logger = pino({ name: 'plyr-indexer', level: process.env.LOG_LEVEL || 'info' })
const cfg = indexerConfigFromEnv()
const database = await Database.open(databaseConfigFromEnv())
await database.migrate()
const indexer = await Indexer.create(cfg, database.db, logger)
await indexer.start()
logger.info({ source: cfg.source, database: database.kind }, 'indexer is up')

stopOnSignals(logger, async () => {
  await indexer.destroy()
  await database.destroy()
  logger.info('indexer stopped')
})
