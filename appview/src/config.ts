import { ConfigError, bool, indexerConfigFromEnv, type IndexerConfig } from '@plyr/indexer'
import { databaseConfigFromEnv, type DatabaseConfig } from '@plyr/db'

export type AppViewConfig = {
  port: number
  database: DatabaseConfig
  /** Run the indexer in this process (`npm start`). */
  runIndexer: boolean
  indexer: IndexerConfig
}

/** The AppView's settings from the environment; every variable is listed in the README. */
export function appViewConfigFromEnv(env: NodeJS.ProcessEnv = process.env): AppViewConfig {
  const port = Number(env.PORT || 3000)
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`PORT must be a port number, got "${env.PORT}"`)
  }
  return {
    port,
    database: databaseConfigFromEnv(env),
    runIndexer: bool(env, 'RUN_INDEXER', true),
    indexer: indexerConfigFromEnv(env),
  }
}
