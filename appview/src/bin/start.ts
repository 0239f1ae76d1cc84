// npm start: the AppView and the indexer in one process, on embedded defaults.
import { stopOnSignals } from '@plyr/indexer'
import { appViewConfigFromEnv } from '../config.js'
import { logger } from '../logger.js'
import { PlyrService } from '../service.js'

let service: PlyrService
try {
  service = await PlyrService.start(appViewConfigFromEnv(), logger)
} catch (err) {
  logger.fatal({ err }, 'plyr could not start')
  process.exit(1)
}

stopOnSignals(logger, () => service.destroy())
