import {
  checkUrl,
  ConfigError,
  envBool,
  envInt,
  envList,
  envString,
  envUrl,
  type SharedConfig,
  sharedConfigFromEnv,
} from '@plyr/core'

export type IndexerConfig = SharedConfig & {
  source: 'jetstream' | 'firehose'
  jetstreamUrls: string[]
  firehoseUrl: string
  /** /health turns degraded when the newest processed event is older than this. */
  lagDegradedMs: number
  /** A Jetstream host that sends nothing for this long is left for the next one. */
  stallMs: number
  /** The most events in a batch (Jetstream). */
  batchSize: number
  /** Transactions (and connections) a batch is written in at once, split by actor. */
  writers: number
  /** Fetch the existing records of each actor the first time it shows up. */
  backfillNewActors: boolean
  backfillConcurrency: number
  /** On the first start (an empty index), backfill every repo the relay lists. */
  backfillNetworkOnStart: boolean
  /** The relay listing repos by collection (listReposByCollection). */
  relayUrl: string
}

const ws = ['ws:', 'wss:']

/** The indexer's settings from the environment (docs/configuration.md lists them). */
export function indexerConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  shared: SharedConfig = sharedConfigFromEnv(env),
): IndexerConfig {
  const source = envString(env, 'INDEXER_SOURCE', 'jetstream')
  if (source !== 'jetstream' && source !== 'firehose') {
    throw new ConfigError(`INDEXER_SOURCE must be jetstream or firehose, got "${source}"`)
  }
  const jetstreamUrls = envList(
    env,
    'JETSTREAM_URL',
    'wss://jetstream1.us-east.bsky.network,wss://jetstream2.us-east.bsky.network',
  )
  for (const url of jetstreamUrls) checkUrl('JETSTREAM_URL', url, ws)
  return {
    ...shared,
    source,
    jetstreamUrls,
    firehoseUrl: envUrl(env, 'FIREHOSE_URL', 'wss://bsky.network', [...ws, 'http:', 'https:']),
    lagDegradedMs: envInt(env, 'INDEXER_LAG_DEGRADED_SECONDS', 60) * 1000,
    stallMs: envInt(env, 'JETSTREAM_STALL_SECONDS', 300) * 1000,
    batchSize: envInt(env, 'INDEXER_BATCH_SIZE', 1000),
    writers: envInt(env, 'INDEXER_WRITERS', 2),
    backfillNewActors: envBool(env, 'BACKFILL_NEW_ACTORS', true),
    backfillConcurrency: envInt(env, 'BACKFILL_CONCURRENCY', 4),
    backfillNetworkOnStart: envBool(env, 'BACKFILL_NETWORK_ON_START', true),
    relayUrl: envUrl(env, 'RELAY_URL', 'https://relay1.us-east.bsky.network', ['http:', 'https:']),
  }
}
