// npm run start:labeler: the labeler alone, on the database the AppView uses.
import { ConfigError, stopOnSignals } from '@plyr/core'
import { Database } from '@plyr/db'
import { mediaFingerprints } from '@plyr/media/fingerprint'
import pino from 'pino'
import { labelerConfigFromEnv } from '../config.js'
import { Labeler } from '../labeler.js'

const logger = pino({ level: process.env.LOG_LEVEL || 'info', name: 'labeler' })

let stop: () => Promise<void>
try {
  const cfg = labelerConfigFromEnv()
  if (!cfg) throw new ConfigError('LABELER_DID must be set to run the labeler')
  const database = await Database.open(cfg.database)
  await database.migrate()
  const labeler = await Labeler.start({
    cfg,
    db: database.db,
    logger,
    // the AppView's database: tracks uploaded through plyr carry media's fingerprint
    mediaFingerprints: mediaFingerprints(database.db),
  })
  stop = async () => {
    await labeler.destroy()
    await database.destroy()
  }
} catch (err) {
  logger.fatal({ err }, 'the labeler could not start')
  process.exit(1)
}

stopOnSignals(logger, () => stop())
