// npm run start:media: the media worker alone (run the AppView with RUN_MEDIA_WORKER=false);
// /health and /metrics on MEDIA_PORT.
import { envPort, stopOnSignals } from '@plyr/core'
import { logger } from '../logger.js'
import { serviceConfigFromEnv, startMediaWorker } from '../service.js'

let stop: () => Promise<void>
try {
  stop = await startMediaWorker(
    serviceConfigFromEnv({ ...process.env, RUN_INDEXER: 'false' }),
    logger,
    envPort(process.env, 'MEDIA_PORT', 3003),
  )
} catch (err) {
  logger.fatal({ err }, 'the media worker could not start')
  process.exit(1)
}

stopOnSignals(logger, () => stop())
