import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { PlyrService, serviceConfigFromEnv } from '@plyr/appview'

/** A temporary folder for a test's embedded database, removed on dispose. */
export async function tempDir() {
  const path = await mkdtemp(join(tmpdir(), 'plyr-test-'))
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) }
}

/** plyr (AppView + indexer) on an embedded database under `dataDir`, on a free port. */
export function startPlyr(env: Record<string, string>, dataDir: string): Promise<PlyrService> {
  return PlyrService.start(
    serviceConfigFromEnv({ PORT: '0', DATA_DIR: dataDir, ...env }),
    pino({ level: 'silent' }),
  )
}
