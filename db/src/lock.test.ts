import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { sql } from 'kysely'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { DataDirLockedError, LOCK_FILE } from './lock.js'
import { Database } from './open.js'

/** A Node process that runs until killed; its pid stands for a live plyr. */
async function liveProcess() {
  const child = spawn(process.execPath, ['-e', 'setInterval(() => {}, 1000)'], {
    stdio: 'ignore',
  })
  await once(child, 'spawn')
  return {
    pid: child.pid!,
    [Symbol.asyncDispose]: async () => {
      child.kill('SIGKILL')
      if (child.exitCode === null && child.signalCode === null) await once(child, 'exit')
    },
  }
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' })
  await once(child, 'exit')
  return child.pid!
}

const lockOf = (pid: number) =>
  JSON.stringify({ pid, command: 'plyr', startedAt: '2026-01-01T00:00:00.000Z', id: 'x' })

describe('the data folder lock', () => {
  let dataDir: string
  const lockPath = () => join(dataDir, LOCK_FILE)
  const holderPid = async () =>
    (JSON.parse(await readFile(lockPath(), 'utf8')) as { pid: number }).pid

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'plyr-lock-'))
  })
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true })
  })

  it('is taken on open (pid, mode 0600) and released on destroy', async () => {
    const database = await Database.open({ dataDir })
    expect(await holderPid()).toBe(process.pid)
    expect((await stat(lockPath())).mode & 0o777).toBe(0o600)
    await database.destroy()
    await expect(stat(lockPath())).rejects.toMatchObject({ code: 'ENOENT' })
    // and the folder opens again
    await using again = await Database.open({ dataDir })
    expect(again.lock).toBeDefined()
  })

  it('is never taken from a live process', async () => {
    await using holder = await liveProcess()
    await writeFile(lockPath(), lockOf(holder.pid), { mode: 0o600 })
    const opening = Database.open({ dataDir })
    await expect(opening).rejects.toBeInstanceOf(DataDirLockedError)
    await expect(opening).rejects.toThrow(
      new RegExp(`is in use by process ${holder.pid} \\(plyr, since 2026-01-01.*Stop process`),
    )
    expect(await readFile(lockPath(), 'utf8')).toBe(lockOf(holder.pid))
  })

  it('is taken over from a process that is gone, and the data is intact', async () => {
    {
      await using first = await Database.open({ dataDir })
      await first.migrate()
      await first.db
        .insertInto('cursor')
        .values({ source: 'kept', cursor: 7, updated_at: new Date() })
        .execute()
    }
    // as a killed process leaves it
    await writeFile(lockPath(), lockOf(await deadPid()), { mode: 0o600 })
    await using second = await Database.open({ dataDir })
    expect(await holderPid()).toBe(process.pid)
    const row = await sql<{ cursor: number }>`select cursor from cursor`.execute(second.db)
    expect(row.rows).toEqual([{ cursor: 7 }])
  })

  it('refuses a second open in the same process', async () => {
    await using first = await Database.open({ dataDir })
    await expect(Database.open({ dataDir })).rejects.toThrow(`is in use by process ${process.pid}`)
    expect(first.lock).toBeDefined()
  })
})
