import { DEFAULT_NAMESPACE } from '@plyr/lexicons'

export type IndexerConfig = {
  namespace: string
  firehoseUrl: string
  plcUrl: string
  handleResolverUrl?: string
  allowPrivateNetwork: boolean
  identityTimeoutMs: number
  /** Origins whose audio and image URLs in records are trusted (TRUSTED_MEDIA_ORIGINS). */
  trustedMediaOrigins: string[]
}

export class ConfigError extends Error {}

/** The indexer's settings from the environment; every variable is listed in the README. */
export function indexerConfigFromEnv(env: NodeJS.ProcessEnv = process.env): IndexerConfig {
  return {
    namespace: env.PLYR_NAMESPACE || DEFAULT_NAMESPACE,
    firehoseUrl: url(env, 'FIREHOSE_URL', 'wss://bsky.network', ['ws:', 'wss:', 'http:', 'https:']),
    plcUrl: url(env, 'PLC_URL', 'https://plc.directory', ['http:', 'https:']),
    handleResolverUrl: env.HANDLE_RESOLVER_URL
      ? url(env, 'HANDLE_RESOLVER_URL', '', ['http:', 'https:'])
      : undefined,
    allowPrivateNetwork: bool(env, 'IDENTITY_ALLOW_PRIVATE_NETWORK', false),
    identityTimeoutMs: 3000,
    trustedMediaOrigins: origins(env, 'TRUSTED_MEDIA_ORIGINS'),
  }
}

function url(env: NodeJS.ProcessEnv, name: string, fallback: string, protocols: string[]): string {
  const value = env[name] || fallback
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

/** A comma-separated list of origins (`https://cdn.example.com`), each checked. */
function origins(env: NodeJS.ProcessEnv, name: string): string[] {
  const list = (env[name] ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return list.map((value) => {
    let parsed: URL
    try {
      parsed = new URL(value)
    } catch {
      throw new ConfigError(`${name}: "${value}" is not an origin like https://cdn.example.com`)
    }
    if (
      parsed.origin !== value.replace(/\/$/, '') ||
      !['http:', 'https:'].includes(parsed.protocol)
    ) {
      throw new ConfigError(`${name}: "${value}" is not an origin like https://cdn.example.com`)
    }
    return parsed.origin
  })
}
