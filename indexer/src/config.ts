import { DEFAULT_NAMESPACE } from '@plyr/lexicons'

export type IndexerConfig = {
  namespace: string
  source: 'jetstream' | 'firehose'
  jetstreamUrls: string[]
  firehoseUrl: string
  plcUrl: string
  handleResolverUrl?: string
  allowPrivateNetwork: boolean
  identityTimeoutMs: number
  /** Origins whose audio and image URLs in records are trusted (TRUSTED_MEDIA_ORIGINS). */
  trustedMediaOrigins: string[]
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
}

export class ConfigError extends Error {}

/** The indexer's settings from the environment; every variable is listed in the README. */
export function indexerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IndexerConfig {
  const source = env.INDEXER_SOURCE || 'jetstream'
  if (source !== 'jetstream' && source !== 'firehose') {
    throw new ConfigError(`INDEXER_SOURCE must be jetstream or firehose, got "${source}"`)
  }
  const ws = ['ws:', 'wss:']
  return {
    namespace: env.PLYR_NAMESPACE || DEFAULT_NAMESPACE,
    source,
    jetstreamUrls: (
      env.JETSTREAM_URL ||
      'wss://jetstream1.us-east.bsky.network,wss://jetstream2.us-east.bsky.network'
    )
      .split(',')
      .map((u) => checkUrl('JETSTREAM_URL', u.trim(), ws)),
    firehoseUrl: checkUrl('FIREHOSE_URL', env.FIREHOSE_URL || 'wss://bsky.network', [
      ...ws,
      'http:',
      'https:',
    ]),
    plcUrl: checkUrl('PLC_URL', env.PLC_URL || 'https://plc.directory', ['http:', 'https:']),
    handleResolverUrl: env.HANDLE_RESOLVER_URL
      ? checkUrl('HANDLE_RESOLVER_URL', env.HANDLE_RESOLVER_URL, ['http:', 'https:'])
      : undefined,
    allowPrivateNetwork: bool(env, 'IDENTITY_ALLOW_PRIVATE_NETWORK', false),
    identityTimeoutMs: 3000,
    trustedMediaOrigins: origins(env, 'TRUSTED_MEDIA_ORIGINS'),
    lagDegradedMs: positive(env, 'INDEXER_LAG_DEGRADED_SECONDS', 60) * 1000,
    stallMs: positive(env, 'JETSTREAM_STALL_SECONDS', 300) * 1000,
    batchSize: positive(env, 'INDEXER_BATCH_SIZE', 1000),
    writers: positive(env, 'INDEXER_WRITERS', 2),
    backfillNewActors: bool(env, 'BACKFILL_NEW_ACTORS', true),
    backfillConcurrency: positive(env, 'BACKFILL_CONCURRENCY', 4),
  }
}

export function checkUrl(name: string, value: string, protocols: string[]): string {
  let parsed: URL
  try {
    parsed = new URL(value)
  } catch {
    throw new ConfigError(`${name} is not a URL: "${value}"`)
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(`${name} must use ${protocols.join(' or ')}, got "${value}"`)
  }
  return value
}

export function bool(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  if (['1', 'true', 'yes'].includes(value.toLowerCase())) return true
  if (['0', 'false', 'no'].includes(value.toLowerCase())) return false
  throw new ConfigError(`${name} must be true or false, got "${value}"`)
}

/** A positive whole number (seconds, or a count). */
function positive(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]
  if (value === undefined || value === '') return fallback
  const n = Number(value)
  if (!Number.isInteger(n) || n <= 0)
    throw new ConfigError(`${name} must be a positive whole number, got "${value}"`)
  return n
}

/** A comma-separated list of origins (`https://cdn.example.com`), each checked. */
function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return list.map((value) => {
    const parsed = URL.canParse(value) ? new URL(value) : undefined
    if (
      !parsed ||
      parsed.origin !== value.replace(/\/$/, '') ||
      !['http:', 'https:'].includes(parsed.protocol)
    ) {
      throw new ConfigError(`${name}: "${value}" is not an origin like https://cdn.example.com`)
    }
    return parsed.origin
  })
}
