// npm run start:indexer: the indexer as its own process, writing to DATABASE_URL (or the
// embedded database under DATA_DIR), for deployments that run AppView replicas apart;
// /health and /metrics on INDEXER_PORT.
import { Database, databaseConfigFromEnv } from '@plyr/db'
import { pino } from 'pino'
import { indexerConfigFromEnv } from '../config.js'
import { Indexer } from '../indexer.js'
import { envPort, HealthServer, stopOnSignals } from '@plyr/core'

const logger = pino({ name: 'plyr-indexer', level: process.env.LOG_LEVEL || 'info' })
let database: Database
let indexer: Indexer
let http: HealthServer
try {
  const cfg = indexerConfigFromEnv()
  const port = envPort(process.env, 'INDEXER_PORT', 3001)
  database = await Database.open(databaseConfigFromEnv())
  await database.migrate()
  indexer = await Indexer.create(cfg, database.db, logger)
  http = await HealthServer.start({
    service: 'the indexer',
    db: database.db,
    parts: [{ name: 'indexer', health: () => indexer.health(), metrics: indexer.metrics.registry }],
    port,
    logger,
  })
  await indexer.start(database.lock)
  logger.info({ source: cfg.source, database: database.kind, port: http.port }, 'indexer is up')
} catch (err) {
  // the reason in the message itself (a DATA_DIR another process holds, a bad setting, ...)
  logger.fatal(
    { err },
    `indexer could not start: ${err instanceof Error ? err.message : String(err)}`,
  )
  process.exit(1)
}

stopOnSignals(logger, async () => {
  await http.destroy()
  await indexer.destroy()
  await database.destroy()
  logger.info('indexer stopped')
})
