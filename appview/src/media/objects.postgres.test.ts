import { createHash } from 'node:crypto'
import { mkdtemp, rm, utimes, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LocalStorage, type MediaStorage } from '@plyr/media'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { enqueueJob, holdJob } from './jobs.js'
import { deleteAccountMedia } from './account.js'
import { addObject, ObjectGoneError, releaseObjects } from './objects.js'
import { sweepMedia } from './sweep.js'

let database: TestDatabase
let dir: string
let local: LocalStorage

beforeAll(async () => {
  // real Postgres: the races are between connections
  database = await openTestDatabase('postgres')
  dir = await mkdtemp(join(tmpdir(), 'plyr-media-races-'))
  local = new LocalStorage(join(dir, 'objects'))
})

afterAll(async () => {
  await database?.destroy()
  await rm(dir, { recursive: true, force: true })
})

const HOUR = 3600_000

/**
 * Local storage whose deletions first run `beforeDelete`: the test puts a concurrent
 * upload or reference exactly between a deleter's check and its deletion.
 */
class HookedStorage implements MediaStorage {
  readonly kind = 'local'
  beforeDelete?: (key: string) => Promise<void>
  constructor(private readonly inner: LocalStorage) {}
  put = (key: string, path: string) => this.inner.put(key, path)
  localFile = (key: string) => this.inner.localFile(key)
  read = (key: string) => this.inner.read(key)
  has = (key: string) => this.inner.has(key)
  list = () => this.inner.list()
  directUrl = () => this.inner.directUrl()
  async delete(key: string): Promise<void> {
    const hook = this.beforeDelete
    this.beforeDelete = undefined
    await hook?.(key)
    await this.inner.delete(key)
  }
}

/**
 * Waits until `work` has finished, or is waiting for an object's lock (held by the
 * deleter that called the hook: waiting for it to finish would never end).
 */
async function finishedOrWaitingForLock(work: Promise<unknown>): Promise<void> {
  let settled = false
  void work.then(
    () => (settled = true),
    () => (settled = true),
  )
  for (;;) {
    if (settled) return
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted
    `.execute(database.db)
    if (rows[0]!.n > 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A file of `content` in the work folder, its SHA-256, and when it was made `age` ago. */
async function file(content: string, age = 0) {
  const sha256 = createHash('sha256').update(content).digest('hex')
  const path = join(dir, `${sha256}.src`)
  await writeFile(path, content)
  const then = new Date(Date.now() - age)
  await utimes(path, then, then)
  return { sha256, size: content.length, contentType: 'audio/mpeg', path }
}

const uploadOf = (sha256: string, id: string) => async (tx: Parameters<typeof enqueueJob>[0]) => {
  await tx
    .insertInto('media_upload')
    .values({ id, did: 'did:plc:artist', sha256, size: 1 })
    .execute()
}

describe('stored objects under concurrent deleters', () => {
  it('an upload of the same bytes landing between the sweep finding a stray file and deleting it keeps its file', async () => {
    const storage = new HookedStorage(local)
    // a file stored an hour ago whose row never came (a crash between storing and recording)
    const stray = await file('stray bytes', 2 * HOUR)
    // (stored as a hard link: the same file, made two hours ago)
    await local.put(stray.sha256, stray.path)

    // the same bytes uploaded again, once the sweep has found no row for the file
    let upload: Promise<void> | undefined
    storage.beforeDelete = async (key) => {
      expect(key).toBe(stray.sha256)
      upload = addObject(database.db, storage, stray, uploadOf(stray.sha256, 'again'))
      await finishedOrWaitingForLock(upload)
    }
    await sweepMedia(database.db, storage, join(dir, 'staging'), {
      uploadTtlMs: 24 * HOUR,
      graceMs: HOUR,
    })
    await upload
    // the upload's row and reference, and its file
    const row = await database.db
      .selectFrom('media_upload')
      .select('sha256')
      .where('id', '=', 'again')
      .executeTakeFirst()
    expect(row?.sha256).toBe(stray.sha256)
    expect(await local.has(stray.sha256)).toBe(true)
  })

  it('a job referencing an object while it is released either keeps it or is refused', async () => {
    const storage = new HookedStorage(local)
    const kept = await file('kept original')
    await addObject(database.db, storage, kept, async () => {})

    let enqueued: Promise<string> | undefined
    storage.beforeDelete = async () => {
      // a restore of the version that used it, queued as the release checks its references
      enqueued = database.db.transaction().execute((tx) =>
        enqueueJob(tx, {
          did: 'did:plc:artist',
          grantId: 'grant',
          sha256: kept.sha256,
          rkey: '3krestore',
          input: { replace: true },
        }),
      )
      await finishedOrWaitingForLock(enqueued)
    }
    await releaseObjects(database.db, storage, [kept.sha256])
    const outcome = await enqueued!.then(
      () => 'queued',
      (err: unknown) => err,
    )
    const jobs = await database.db
      .selectFrom('media_job')
      .select('sha256')
      .where('sha256', '=', kept.sha256)
      .execute()
    const row = await database.db
      .selectFrom('media_object')
      .select('sha256')
      .where('sha256', '=', kept.sha256)
      .executeTakeFirst()
    if (outcome === 'queued') {
      // the job came first: the release found it and kept the object
      expect(jobs).toHaveLength(1)
      expect(row).toBeDefined()
      expect(await local.has(kept.sha256)).toBe(true)
    } else {
      // the release came first: the job is refused, and nothing references the deleted object
      expect(outcome).toBeInstanceOf(ObjectGoneError)
      expect(jobs).toEqual([])
      expect(row).toBeUndefined()
      expect(await local.has(kept.sha256)).toBe(false)
    }
  })

  it("deleting an account's media waits for a job committing its version, then deletes that too", async () => {
    const storage = new HookedStorage(local)
    const audio = await file('the account audio')
    await addObject(database.db, storage, audio, async () => {})
    const did = 'did:plc:leaving'
    await database.db
      .insertInto('media_job')
      .values({
        id: 'leaving',
        did,
        grant_id: 'grant',
        sha256: audio.sha256,
        rkey: '3kleaving',
        input: '{}',
        state: 'running',
        stage: 'analysing',
        attempts: 1,
      })
      .execute()

    // the worker, holding its job, writes its version; the deletion starts before it commits
    let commit!: () => void
    const committed = new Promise<void>((resolve) => (commit = resolve))
    let holding!: () => void
    const held = new Promise<void>((resolve) => (holding = resolve))
    const worker = database.db.transaction().execute(async (tx) => {
      await holdJob(tx, 'leaving')
      await tx
        .insertInto('media_version')
        .values({
          track_uri: `at://${did}/fm.plyr.track/3kleaving`,
          version: 1,
          did,
          original_sha256: audio.sha256,
          original_format: 'mp3',
          playable_sha256: audio.sha256,
          playable_type: 'audio/mpeg',
          duration: 1,
          loudness_lufs: -14,
          true_peak_db: -1,
          gain_centi_db: 0,
          peaks: '',
          fingerprint: '',
        })
        .execute()
      holding()
      await committed
    })
    await held
    const deletion = deleteAccountMedia(database.db, storage, did)
    await waitingForRowLock()
    commit()
    await worker
    await deletion

    expect(await database.db.selectFrom('media_version').selectAll().execute()).toEqual([])
    const row = await database.db
      .selectFrom('media_job')
      .select(['state', 'error'])
      .where('id', '=', 'leaving')
      .executeTakeFirstOrThrow()
    expect(row).toEqual({ state: 'failed', error: "the account's plyr data was deleted" })
    expect(await local.has(audio.sha256)).toBe(false)
    // and a worker checking afterwards is told its job is over
    await expect(database.db.transaction().execute((tx) => holdJob(tx, 'leaving'))).rejects.toThrow(
      /cancelled/,
    )
  })
})

/** Waits until a session waits for a row lock (the deletion, for the job the worker holds). */
async function waitingForRowLock(): Promise<void> {
  for (;;) {
    const { rows } = await sql<{ n: number }>`
      select count(*)::int as n from pg_stat_activity
      where datname = current_database() and wait_event_type = 'Lock'
    `.execute(database.db)
    if (rows[0]!.n > 0) return
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
