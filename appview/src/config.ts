import { fileURLToPath } from 'node:url'
import {
  checkDid,
  ConfigError,
  checkOrigin,
  envBool,
  envInt,
  envList,
  envPort,
  type SharedConfig,
  sharedConfigFromEnv,
} from '@plyr/core'
import { type MediaConfig, mediaConfigFromEnv } from '@plyr/media'
import { parsePrivateKeys, type PrivateJwk } from './oauth/keys.js'
import { SESSION_SECRET_MIN_LENGTH } from './oauth/secret.js'

export type AppViewConfig = SharedConfig & {
  port: number
  /** Where clients and PDSes reach this AppView; unset means `http://localhost:<port>`. */
  publicUrl?: string
  /** The AppView's DID; unset means the did:web of the public URL's host. */
  did?: string
  /** Labelers whose labels the AppView applies (ACCEPTED_LABELERS). */
  acceptedLabelers: string[]
  /** How long a page of the public feed is served to anonymous readers before it is rebuilt. */
  feedCacheMs: number
  /** What sign-in data is encrypted under (SESSION_SECRET); unset: see resolveSessionSecret. */
  sessionSecret?: string
  /** The confidential OAuth client's private keys (OAUTH_PRIVATE_KEYS), under https. */
  oauthPrivateKeys?: PrivateJwk[]
  /** The scopes sign-in asks for (OAUTH_SCOPE); unset: derived from the namespace. */
  oauthScope?: string
  /** Writes one account may make per minute (WRITE_RATE_LIMIT_PER_MINUTE). */
  writesPerMinute: number
  /** Bytes one account may upload in a day (MAX_UPLOAD_BYTES_PER_DAY). */
  uploadBytesPerDay: number
  /** Processing jobs one account may have queued or running at once (MAX_PROCESSING_JOBS_PER_ACCOUNT). */
  jobsPerAccount: number
  /** The built web client served at / (CLIENT_DIR); null serves no client. */
  clientDir: string | null
  /** Uploads: limits, where staging and local storage live (media/src/config.ts). */
  media: MediaConfig
  /** Run the media worker in this process (RUN_MEDIA_WORKER). */
  runMediaWorker: boolean
}

/** Where `npm start` builds the web client. */
export const DEFAULT_CLIENT_DIR = fileURLToPath(new URL('../../client/dist', import.meta.url))

/** The AppView's settings from the environment (docs/configuration.md lists them). */
export function appViewConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  shared: SharedConfig = sharedConfigFromEnv(env),
): AppViewConfig {
  return {
    ...shared,
    port: envPort(env, 'PORT', 3000),
    // the AppView's DID document, links and OAuth client metadata live at its root
    publicUrl: env.PUBLIC_URL ? checkOrigin('PUBLIC_URL', env.PUBLIC_URL) : undefined,
    did: env.APPVIEW_DID ? checkDid('APPVIEW_DID', env.APPVIEW_DID) : undefined,
    acceptedLabelers: envList(env, 'ACCEPTED_LABELERS').map((did) =>
      checkDid('ACCEPTED_LABELERS', did),
    ),
    feedCacheMs: envInt(env, 'FEED_CACHE_MS', 1000, 0),
    ...signInConfig(env),
    writesPerMinute: envInt(env, 'WRITE_RATE_LIMIT_PER_MINUTE', 60),
    uploadBytesPerDay: envInt(env, 'MAX_UPLOAD_BYTES_PER_DAY', 10 * 1024 ** 3),
    jobsPerAccount: envInt(env, 'MAX_PROCESSING_JOBS_PER_ACCOUNT', 3),
    clientDir: env.CLIENT_DIR === undefined ? DEFAULT_CLIENT_DIR : env.CLIENT_DIR || null,
    media: mediaConfigFromEnv(env),
    runMediaWorker: envBool(env, 'RUN_MEDIA_WORKER', true),
  }
}

function signInConfig(env: NodeJS.ProcessEnv) {
  const sessionSecret = env.SESSION_SECRET || undefined
  if (sessionSecret !== undefined && sessionSecret.length < SESSION_SECRET_MIN_LENGTH) {
    throw new ConfigError(
      `SESSION_SECRET must be at least ${SESSION_SECRET_MIN_LENGTH} characters (e.g. openssl rand -base64 32)`,
    )
  }
  const oauthPrivateKeys = env.OAUTH_PRIVATE_KEYS
    ? parsePrivateKeys('OAUTH_PRIVATE_KEYS', env.OAUTH_PRIVATE_KEYS)
    : undefined
  const oauthScope = env.OAUTH_SCOPE?.trim() || undefined
  if (oauthScope !== undefined && !oauthScope.split(/\s+/).includes('atproto')) {
    throw new ConfigError(`OAUTH_SCOPE must include "atproto", got "${oauthScope}"`)
  }
  return { sessionSecret, oauthPrivateKeys, oauthScope }
}
