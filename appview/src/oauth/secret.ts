import { randomBytes } from 'node:crypto'
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ConfigError } from '@plyr/core'
import type { DatabaseConfig } from '@plyr/db'
import type { Logger } from 'pino'

/** The least length of SESSION_SECRET: 32 characters (a generated one is 43). */
export const SESSION_SECRET_MIN_LENGTH = 32

/**
 * The secret sign-in data is encrypted under: SESSION_SECRET when set. Embedded mode
 * (PGlite under DATA_DIR) keeps a generated one in `$DATA_DIR/session-secret`, readable by
 * its owner only, created on first start; an in-memory database gets one for the process.
 * On Postgres there is none unless SESSION_SECRET is set (every AppView process on the
 * database must use the same one): sign-in is then off.
 */
export function resolveSessionSecret(
  configured: string | undefined,
  database: DatabaseConfig,
  logger: Logger,
): string | undefined {
  if (configured) return configured
  if (database.databaseUrl) return undefined
  const generate = () => randomBytes(32).toString('base64url')
  const dataDir = 'dataDir' in database ? database.dataDir : undefined
  if (!dataDir) return generate()
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'session-secret')
  try {
    // `wx`: never overwrite a secret another process wrote first
    writeFileSync(path, generate(), { mode: 0o600, flag: 'wx' })
    logger.info({ path }, 'generated the session secret')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    chmodSync(path, 0o600)
    logger.warn({ path }, 'the session secret was readable by others: made it owner-only')
  }
  const secret = readFileSync(path, 'utf8').trim()
  if (secret.length < SESSION_SECRET_MIN_LENGTH) {
    throw new ConfigError(`${path} holds no valid session secret (delete it to generate one)`)
  }
  return secret
}
