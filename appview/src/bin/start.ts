// npm start: the AppView and the indexer in one process, on embedded defaults.
import { stopOnSignals } from '@plyr/core'
import { logger } from '../logger.js'
import { PlyrService, serviceConfigFromEnv } from '../service.js'

let service: PlyrService
try {
  service = await PlyrService.start(serviceConfigFromEnv(), logger)
} catch (err) {
  logger.fatal({ err }, 'plyr could not start')
  process.exit(1)
}

stopOnSignals(logger, () => service.destroy())
