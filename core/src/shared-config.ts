import { type DatabaseConfig, databaseConfigFromEnv } from '@plyr/db'
import { DEFAULT_NAMESPACE, InvalidNamespaceError, PlyrNamespace } from '@plyr/lexicons'
import { ConfigError, envBool, envOrigins, envString, envUrl } from './config.js'
import type { IdentityConfig } from './identity.js'

/** The settings every plyr service shares, read once per process. */
export type SharedConfig = {
  /** The record namespace (PLYR_NAMESPACE): its collections, built once. */
  namespace: PlyrNamespace
  database: DatabaseConfig
  identity: IdentityConfig
  /** Origins whose audio and image URLs in records are trusted (TRUSTED_MEDIA_ORIGINS). */
  trustedMediaOrigins: string[]
}

const http = ['http:', 'https:']

export function sharedConfigFromEnv(env: NodeJS.ProcessEnv = process.env): SharedConfig {
  let namespace: PlyrNamespace
  try {
    namespace = new PlyrNamespace(envString(env, 'PLYR_NAMESPACE', DEFAULT_NAMESPACE))
  } catch (err) {
    if (err instanceof InvalidNamespaceError) throw new ConfigError(err.message)
    throw err
  }
  return {
    namespace,
    database: databaseConfigFromEnv(env),
    identity: {
      plcUrl: envUrl(env, 'PLC_URL', 'https://plc.directory', http),
      handleResolverUrl: env.HANDLE_RESOLVER_URL
        ? envUrl(env, 'HANDLE_RESOLVER_URL', '', http)
        : undefined,
      allowPrivateNetwork: envBool(env, 'IDENTITY_ALLOW_PRIVATE_NETWORK', false),
      timeoutMs: 3000,
    },
    trustedMediaOrigins: envOrigins(env, 'TRUSTED_MEDIA_ORIGINS'),
  }
}
