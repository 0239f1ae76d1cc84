import { createHash } from 'node:crypto'
import { mkdir, mkdtemp, readdir, rm, stat, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalStorage } from '@plyr/media'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { claimJob, MAX_ATTEMPTS, reapJobs } from './jobs.js'
import { addObject, releaseObjects } from './objects.js'
import { sweepMedia } from './sweep.js'

let database: TestDatabase
let dir: string
let storage: LocalStorage

beforeAll(async () => {
  database = await openTestDatabase()
  dir = await mkdtemp(join(tmpdir(), 'plyr-media-jobs-'))
  storage = new LocalStorage(join(dir, 'objects'))
})

afterAll(async () => {
  await database?.destroy()
  await rm(dir, { recursive: true, force: true })
})

const HOUR = 3600_000
const ago = (ms: number) => new Date(Date.now() - ms)

/** A stored object of `content`, referenced by nothing, recorded `age` ago. */
async function storeObject(content: string, age = 0) {
  const sha256 = createHash('sha256').update(content).digest('hex')
  const path = join(dir, `${sha256}.src`)
  await writeFile(path, content)
  await addObject(
    database.db,
    storage,
    { sha256, size: content.length, contentType: 'audio/mpeg', path },
    async () => {},
  )
  await rm(path)
  await database.db
    .updateTable('media_object')
    .set({ created_at: ago(age) })
    .where('sha256', '=', sha256)
    .execute()
  return sha256
}

const job = (id: string, sha256: string, state = 'queued', attempts = 0) =>
  database.db
    .insertInto('media_job')
    .values({
      id,
      did: 'did:plc:artist',
      grant_id: 'grant',
      sha256,
      rkey: `3k${id}`,
      input: '{}',
      state: state as 'queued',
      stage: state,
      attempts,
      locked_until: state === 'running' ? ago(60_000) : null,
    })
    .execute()

describe('media jobs', () => {
  it('each queued job is taken once; a stale lease is retried, then failed with a reason', async () => {
    const sha = await storeObject('job audio')
    await job('a', sha)
    await job('b', sha)
    const taken = await Promise.all([claimJob(database.db), claimJob(database.db)])
    expect(taken.map((j) => j?.id).sort()).toEqual(['a', 'b'])
    expect(taken.every((j) => j!.state === 'running' && j!.attempts === 1)).toBe(true)
    expect(await claimJob(database.db)).toBeUndefined()

    // a crash: the leases run out; one job has been tried MAX_ATTEMPTS times already
    await database.db
      .updateTable('media_job')
      .set({ locked_until: ago(1000) })
      .where('id', '=', 'a')
      .execute()
    await database.db
      .updateTable('media_job')
      .set({ locked_until: ago(1000), attempts: MAX_ATTEMPTS })
      .where('id', '=', 'b')
      .execute()
    expect(await reapJobs(database.db)).toEqual([sha])
    const rows = await database.db
      .selectFrom('media_job')
      .select(['id', 'state', 'error'])
      .orderBy('id')
      .execute()
    expect(rows).toEqual([
      { id: 'a', state: 'queued', error: null },
      { id: 'b', state: 'failed', error: expect.stringMatching(/interrupted 3 times/) },
    ])
    expect((await claimJob(database.db))?.id).toBe('a')
    // released while a job still needs it: kept; once no job does: gone with its file
    expect(await releaseObjects(database.db, storage, [sha])).toEqual([])
    await database.db.deleteFrom('media_job').execute()
    expect(await releaseObjects(database.db, storage, [sha])).toEqual([sha])
    expect(await storage.has(sha)).toBe(false)
  })

  it('the sweep removes what nothing references and leaves what may be in progress', async () => {
    const orphan = await storeObject('unreferenced', 2 * HOUR)
    const young = await storeObject('just stored')
    const kept = await storeObject('referenced', 2 * HOUR)
    await job('c', kept)
    const stale = await storeObject('uploaded yesterday', 2 * HOUR)
    await database.db
      .insertInto('media_upload')
      .values({
        id: 'u',
        did: 'did:plc:artist',
        sha256: stale,
        size: 1,
        created_at: ago(25 * HOUR),
      })
      .execute()
    // a file with no row (a crash between storing and recording), and a staged leftover
    const stray = createHash('sha256').update('stray').digest('hex')
    await mkdir(join(dir, 'objects', stray.slice(0, 2)), { recursive: true })
    const strayPath = join(dir, 'objects', stray.slice(0, 2), stray)
    await writeFile(strayPath, 'stray')
    await utimes(strayPath, ago(2 * HOUR), ago(2 * HOUR))
    const staging = join(dir, 'staging')
    await mkdir(staging, { recursive: true })
    await writeFile(join(staging, 'old.part'), 'x')
    await utimes(join(staging, 'old.part'), ago(2 * HOUR), ago(2 * HOUR))
    await writeFile(join(staging, 'new.part'), 'x')

    const swept = await sweepMedia(database.db, storage, staging, {
      uploadTtlMs: 24 * HOUR,
      graceMs: HOUR,
    })
    expect(swept).toEqual({ uploads: 1, objects: 2, files: 1, staged: 1 })
    const left = await database.db
      .selectFrom('media_object')
      .select('sha256')
      .execute()
      .then((rows) => rows.map((r) => r.sha256).sort())
    expect(left).toEqual([young, kept].sort())
    for (const gone of [orphan, stale, stray]) expect(await storage.has(gone)).toBe(false)
    await stat(storage.pathOf(young))
    expect(await readdir(staging)).toEqual(['new.part'])
  })
})
