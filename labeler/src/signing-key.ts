import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Secp256k1Keypair } from '@atproto/crypto'
import { ConfigError } from '@plyr/core'
import type { Logger } from 'pino'

const toHex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex')

/**
 * The labeler's secp256k1 key: LABELER_SIGNING_KEY when set, else the one kept in
 * `$DATA_DIR/labeler-signing-key` (hex, owner-only), generated on the first start. Every
 * labeler process of one DID must sign with the same key: processes on other machines
 * take it from LABELER_SIGNING_KEY.
 */
export async function resolveSigningKey(
  configured: string | undefined,
  dataDir: string,
  logger: Logger,
): Promise<Secp256k1Keypair> {
  if (configured) return Secp256k1Keypair.import(configured, { exportable: true })
  mkdirSync(dataDir, { recursive: true })
  const path = join(dataDir, 'labeler-signing-key')
  try {
    const generated = await Secp256k1Keypair.create({ exportable: true })
    // `wx`: never overwrite a key another process wrote first
    writeFileSync(path, toHex(await generated.export()), { mode: 0o600, flag: 'wx' })
    logger.info({ path }, 'generated the labeler signing key')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
  }
  if ((statSync(path).mode & 0o077) !== 0) {
    chmodSync(path, 0o600)
    logger.warn({ path }, 'the labeler signing key was readable by others: made it owner-only')
  }
  const hex = readFileSync(path, 'utf8').trim()
  if (!/^[0-9a-f]{64}$/i.test(hex)) {
    throw new ConfigError(`${path} holds no valid signing key (delete it to generate one)`)
  }
  return Secp256k1Keypair.import(hex, { exportable: true })
}
