import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import { pino } from 'pino'
import { labelerConfigFromEnv } from '../src/config.js'
import { Labeler } from '../src/labeler.js'

export const LABELER_DID = 'did:plc:labelertest0000000000000'

/** A temporary folder (the labeler's generated key lives there), removed on dispose. */
export async function tempDir() {
  const path = await mkdtemp(join(tmpdir(), 'plyr-labeler-'))
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) }
}

/** A labeler on `db` on a free port; `env` adds or overrides settings. */
export function startLabeler(
  db: Kysely<IndexSchema>,
  dataDir: string,
  env: Record<string, string> = {},
): Promise<Labeler> {
  const cfg = labelerConfigFromEnv({
    LABELER_DID,
    LABELER_PORT: '0',
    DATA_DIR: dataDir,
    ...env,
  })!
  return Labeler.start({ cfg, db, logger: pino({ level: 'silent' }) })
}
