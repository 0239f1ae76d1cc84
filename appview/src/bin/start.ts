// npm start: the AppView and the indexer in one process, on embedded defaults.
import { stopOnSignals } from '@plyr/core'
import { logger } from '../logger.js'
import { PlyrService, serviceConfigFromEnv } from '../service.js'

let service: PlyrService
try {
  service = await PlyrService.start(serviceConfigFromEnv(), logger)
} catch (err) {
  // the reason in the message itself (a DATA_DIR another process holds, a bad setting, ...)
  logger.fatal({ err }, `plyr could not start: ${err instanceof Error ? err.message : String(err)}`)
  process.exit(1)
}

stopOnSignals(logger, () => service.destroy())
