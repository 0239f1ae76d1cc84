import {
  checkDid,
  checkUrl,
  envBool,
  checkOrigin,
  ConfigError,
  envInt,
  envList,
  envPort,
  type SharedConfig,
  sharedConfigFromEnv,
} from '@plyr/core'
import type { ScanConfig } from './scan/scanner.js'

export type LabelerConfig = SharedConfig & {
  /** The labeler's DID (LABELER_DID): `src` of every label it signs. */
  did: string
  /** Its HTTP port (LABELER_PORT); 0 picks a free one. */
  port: number
  /** Where subscribers reach it (LABELER_PUBLIC_URL); unset: `http://localhost:<port>`. */
  publicUrl?: string
  /** The secp256k1 private key, 64 hex characters (LABELER_SIGNING_KEY); unset: generated. */
  signingKey?: string
  /** Where a generated key is kept (`$DATA_DIR/labeler-signing-key`). */
  dataDir: string
  /** The safety poll for new labels other processes made (LABELER_POLL_MS). */
  pollMs: number
  /** Scanning new tracks (LABELER_SCAN, on by default). */
  scan?: ScanConfig
  /** The AppView's public URL (PUBLIC_URL), where /admin links open tracks and artists. */
  appUrl?: string
  /** Accounts signed in through plyr that may use /admin (ADMIN_DIDS). */
  adminDids: string[]
  /** A shared secret for /admin before or besides sign-in (ADMIN_TOKEN). */
  adminToken?: string
  /** How often superseded labels are compacted away (LABELER_COMPACT_HOURS, 0: never). */
  compactHours: number
}

/** The labeler's settings; undefined when LABELER_DID is unset (the labeler is off). */
export function labelerConfigFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  shared: SharedConfig = sharedConfigFromEnv(env),
): LabelerConfig | undefined {
  if (!env.LABELER_DID) return undefined
  const signingKey = env.LABELER_SIGNING_KEY || undefined
  if (signingKey !== undefined && !/^[0-9a-f]{64}$/i.test(signingKey)) {
    throw new ConfigError('LABELER_SIGNING_KEY must be a secp256k1 private key as 64 hex digits')
  }
  return {
    ...shared,
    did: checkDid('LABELER_DID', env.LABELER_DID),
    port: envPort(env, 'LABELER_PORT', 3002),
    publicUrl: env.LABELER_PUBLIC_URL
      ? checkOrigin('LABELER_PUBLIC_URL', env.LABELER_PUBLIC_URL)
      : undefined,
    signingKey,
    dataDir: env.DATA_DIR || './data',
    pollMs: envInt(env, 'LABELER_POLL_MS', 1000),
    appUrl: env.PUBLIC_URL ? checkOrigin('PUBLIC_URL', env.PUBLIC_URL) : undefined,
    adminDids: envList(env, 'ADMIN_DIDS').map((did) => checkDid('ADMIN_DIDS', did)),
    adminToken: adminToken(env),
    scan: envBool(env, 'LABELER_SCAN', true) ? scanConfigFromEnv(env) : undefined,
    compactHours: envInt(env, 'LABELER_COMPACT_HOURS', 24, 0),
  }
}

function envFraction(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const value = env[name]
  if (!value) return fallback
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || n >= 0.5) {
    throw new ConfigError(`${name} must be a number between 0 and 0.5, got "${value}"`)
  }
  return n
}

function scanConfigFromEnv(env: NodeJS.ProcessEnv): ScanConfig {
  const token = env.AUDD_API_TOKEN || undefined
  return {
    concurrency: envInt(env, 'LABELER_SCAN_CONCURRENCY', 2),
    pollMs: envInt(env, 'LABELER_SCAN_POLL_MS', 2000),
    maxBytes: envInt(env, 'LABELER_MAX_AUDIO_BYTES', 100 * 1024 * 1024),
    timeoutMs: envInt(env, 'LABELER_FETCH_TIMEOUT_MS', 60_000),
    fingerprintSeconds: envInt(env, 'LABELER_FINGERPRINT_SECONDS', 600),
    thresholds: {
      maxBitErrorRate: envFraction(env, 'LABELER_MATCH_MAX_BER', 0.2),
      minOverlapSeconds: envInt(env, 'LABELER_MATCH_MIN_OVERLAP_SECONDS', 10),
    },
    audd: token
      ? {
          token,
          url: checkUrl('AUDD_API_URL', env.AUDD_API_URL || 'https://api.audd.io/', [
            'https:',
            'http:',
          ]),
          timeoutMs: 60_000,
        }
      : undefined,
  }
}

function adminToken(env: NodeJS.ProcessEnv): string | undefined {
  const token = env.ADMIN_TOKEN || undefined
  if (token !== undefined && token.length < 32) {
    throw new ConfigError(
      'ADMIN_TOKEN must be at least 32 characters (e.g. openssl rand -base64 32)',
    )
  }
  return token
}
