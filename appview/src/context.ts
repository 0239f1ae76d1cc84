import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { IndexSchema } from '@plyr/db'
import type { Indexer } from '@plyr/indexer'
import type { AppViewConfig } from './config.js'

/** The composition root: everything a handler needs, passed explicitly. */
export type AppContext = {
  cfg: AppViewConfig
  db: Kysely<IndexSchema>
  logger: Logger
  /** The indexer, when it runs in this process: its health and metrics are served here. */
  indexer?: Pick<Indexer, 'health' | 'metrics'>
}
