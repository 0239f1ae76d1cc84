import type { Logger } from 'pino'

/**
 * Runs `stop` on the first SIGINT or SIGTERM, then exits: 0 when it finished cleanly
 * (the current batch committed, its cursor saved), 1 otherwise.
 */
export function stopOnSignals(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (stopping) return
      stopping = true
      logger.info({ signal }, 'shutting down')
      stop().then(
        () => process.exit(0),
        (err: unknown) => {
          logger.error({ err }, 'unclean shutdown')
          process.exit(1)
        },
      )
    })
  }
}
