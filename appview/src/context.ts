import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { IndexSchema } from '@plyr/db'
import type { SourceHealth } from '@plyr/indexer'
import type { AppViewConfig } from './config.js'

/** The composition root: everything a handler needs, passed explicitly. */
export type AppContext = {
  cfg: AppViewConfig
  db: Kysely<IndexSchema>
  logger: Logger
  /** The event source's state when the indexer runs in this process. */
  indexerHealth?: () => SourceHealth
}
