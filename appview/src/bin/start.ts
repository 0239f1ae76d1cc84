// npm start: the AppView and the indexer in one process, on embedded defaults.
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

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    logger.info({ signal }, 'shutting down')
    service.destroy().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'unclean shutdown')
        process.exit(1)
      },
    )
  })
}
