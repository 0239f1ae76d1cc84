import {
  checkDid,
  checkOrigin,
  ConfigError,
  envInt,
  envPort,
  type SharedConfig,
  sharedConfigFromEnv,
} from '@plyr/core'

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
    port: envPort(env, 'LABELER_PORT', 3001),
    publicUrl: env.LABELER_PUBLIC_URL
      ? checkOrigin('LABELER_PUBLIC_URL', env.LABELER_PUBLIC_URL)
      : undefined,
    signingKey,
    dataDir: env.DATA_DIR || './data',
    pollMs: envInt(env, 'LABELER_POLL_MS', 1000),
    compactHours: envInt(env, 'LABELER_COMPACT_HOURS', 24, 0),
  }
}
