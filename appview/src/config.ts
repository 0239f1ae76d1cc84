import {
  ConfigError,
  bool,
  checkUrl,
  indexerConfigFromEnv,
  type IndexerConfig,
} from '@plyr/indexer'
import { databaseConfigFromEnv, type DatabaseConfig } from '@plyr/db'

export type AppViewConfig = {
  port: number
  /** Where clients and PDSes reach this AppView; unset means `http://localhost:<port>`. */
  publicUrl?: string
  /** The AppView's DID; unset means the did:web of the public URL's host. */
  did?: string
  /** Labelers whose labels the AppView applies (ACCEPTED_LABELERS). */
  acceptedLabelers: string[]
  /** How long a page of the public feed is served to anonymous readers before it is rebuilt. */
  feedCacheMs: number
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
  const did = env.APPVIEW_DID || undefined
  if (did !== undefined && !/^did:[a-z]+:[a-zA-Z0-9._:%-]+$/.test(did)) {
    throw new ConfigError(`APPVIEW_DID must be a DID, got "${did}"`)
  }
  const acceptedLabelers = (env.ACCEPTED_LABELERS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  for (const labeler of acceptedLabelers) {
    if (!labeler.startsWith('did:')) {
      throw new ConfigError(`ACCEPTED_LABELERS must list DIDs, got "${labeler}"`)
    }
  }
  const feedCacheMs = Number(env.FEED_CACHE_MS || 1000)
  if (!Number.isInteger(feedCacheMs) || feedCacheMs < 0) {
    throw new ConfigError(
      `FEED_CACHE_MS must be a whole number of milliseconds, got "${env.FEED_CACHE_MS}"`,
    )
  }
  return {
    port,
    publicUrl: env.PUBLIC_URL ? publicOrigin(env.PUBLIC_URL) : undefined,
    did,
    acceptedLabelers,
    feedCacheMs,
    database: databaseConfigFromEnv(env),
    runIndexer: bool(env, 'RUN_INDEXER', true),
    indexer: indexerConfigFromEnv(env),
  }
}

/**
 * PUBLIC_URL as an origin (`https://plyr.fm`): the AppView's DID document, links and
 * OAuth client metadata all live at its root, so a path, query or credentials are refused
 * rather than silently dropped.
 */
function publicOrigin(value: string): string {
  const url = new URL(checkUrl('PUBLIC_URL', value, ['http:', 'https:']))
  if (url.pathname !== '/' || url.search || url.hash || url.username || url.password) {
    throw new ConfigError(
      `PUBLIC_URL must be an origin, with no path, query or user, got "${value}"`,
    )
  }
  return url.origin
}
