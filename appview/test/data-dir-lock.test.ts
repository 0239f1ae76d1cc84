import { mkdtemp, readFile, rm, stat } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { startAppViewProcess } from './appview-process.js'

describe('one process per embedded database', () => {
  it('a second npm start on the same DATA_DIR fails at once, naming the first', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'plyr-lock-'))
    // the indexer on, with nothing to reach: the process that holds the folder runs it all
    const env = {
      DATA_DIR: dataDir,
      JETSTREAM_URL: 'ws://127.0.0.1:1',
      BACKFILL_NETWORK_ON_START: 'false',
    }
    const first = await startAppViewProcess(env)
    try {
      const { pid } = JSON.parse(await readFile(join(dataDir, 'plyr.lock'), 'utf8')) as {
        pid: number
      }
      const second = startAppViewProcess(env)
      await expect(second).rejects.toThrow(/exited \(1\) before it was up/)
      const output = String(await second.catch((err: Error) => err.message))
      expect(output).toContain(`DATA_DIR ${dataDir} is in use by process ${pid}`)
      expect(output).toContain(`Stop process ${pid} first`)
      // the first is untouched, and still serves from its database
      const health = await fetch(`${first.url}/health`)
      expect(await health.json()).toMatchObject({ database: 'ok' })
      // a clean stop lets go of the folder
      await first.stop()
      await expect(stat(join(dataDir, 'plyr.lock'))).rejects.toMatchObject({ code: 'ENOENT' })
    } finally {
      await first.stop()
      await rm(dataDir, { recursive: true, force: true })
    }
  }, 120_000)
})
