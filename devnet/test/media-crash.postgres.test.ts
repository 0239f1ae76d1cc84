import { type ChildProcess, execFile, spawn } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { readdir, readFile, utimes, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { promisify } from 'node:util'
import { Client } from '@atproto/lex'
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { PlyrService } from '@plyr/appview'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import { type DevAccount, DevNetwork, freePort } from '../src/network.js'
import { developerToken, launchChromium } from './browser.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const NS = 'fm.plyr.dev'
const root = join(import.meta.dirname, '../..')
const run = promisify(execFile)
/** Long enough that transcoding it to MP3 takes seconds on any machine (about 40× realtime here). */
const SECONDS = 360

/** A media worker as `npm run start:media` runs it, in its own process; its log lines kept. */
type WorkerProcess = { child: ChildProcess; lines: Record<string, unknown>[] }

describe('the media worker in its own process, against Postgres', { timeout: 600_000 }, () => {
  let net: DevNetwork
  let database: TestDatabase
  let data: Awaited<ReturnType<typeof tempDir>>
  let plyr: PlyrService
  let appUrl: string
  let browser: Browser
  let env: Record<string, string>
  const workers: WorkerProcess[] = []

  beforeAll(async () => {
    net = await DevNetwork.start()
    database = await openTestDatabase('postgres')
    data = await tempDir()
    const port = await freePort()
    appUrl = `http://127.0.0.1:${port}`
    env = {
      ...net.serviceEnv(),
      PLYR_NAMESPACE: NS,
      PUBLIC_URL: appUrl,
      DATABASE_URL: database.url!,
      DATA_DIR: data.path,
      RUN_INDEXER: 'false',
      RUN_LABELER: 'false',
      // the worker publishes through the grants the AppView made: one secret for both
      SESSION_SECRET: randomBytes(32).toString('base64url'),
    }
    // the AppView takes uploads and makes jobs; the worker processes run them
    plyr = await startPlyr({ ...env, PORT: String(port), RUN_MEDIA_WORKER: 'false' }, data.path)
    browser = await launchChromium()
  }, 180_000)

  afterAll(async () => {
    for (const w of workers) w.child.kill('SIGKILL')
    await browser?.close()
    await plyr?.destroy()
    await database?.destroy()
    await data?.[Symbol.asyncDispose]()
    await net?.destroy()
  })

  async function startWorker(): Promise<WorkerProcess> {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(root, 'appview/src/bin/start-media.ts')],
      {
        cwd: root,
        env: { ...process.env, ...env, MEDIA_PORT: String(await freePort()), LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    )
    const worker: WorkerProcess = { child, lines: [] }
    createInterface({ input: child.stdout! }).on('line', (line) => {
      try {
        worker.lines.push(JSON.parse(line) as Record<string, unknown>)
      } catch {
        // not a log line
      }
    })
    workers.push(worker)
    return worker
  }

  /** Kills the worker with SIGKILL, and waits until it and the ffmpegs it ran are gone. */
  async function killWorker(worker: WorkerProcess) {
    const { stdout } = await run('ps', ['-o', 'pid=', '--ppid', String(worker.child.pid)])
    const tools = stdout.split('\n').map(Number).filter(Boolean)
    expect(tools.length).toBeGreaterThan(0) // the decoding and the analysing ffmpeg
    const exited = once(worker.child, 'exit')
    worker.child.kill('SIGKILL')
    await exited
    // left alone, the tools end: their pipes to the worker broke
    await waitFor(async () => {
      const alive = await Promise.all(
        tools.map((pid) =>
          readFile(`/proc/${pid}/stat`, 'utf8').then(
            () => true,
            () => false,
          ),
        ),
      )
      return alive.some(Boolean) ? undefined : true
    })
  }

  const as = (token: string) =>
    new Client({ service: appUrl, headers: { authorization: `Bearer ${token}` } })

  /** Uploads a generated Ogg Vorbis tone (`seconds` long) and makes it a track. */
  async function createTrack(
    account: DevAccount,
    frequency: number,
    title: string,
    seconds = SECONDS,
  ) {
    const token = await developerToken(browser, appUrl, account)
    const path = join(data.path, `${title}.ogg`)
    await run('ffmpeg', [
      ...['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi'],
      ...['-i', `sine=f=${frequency}:d=${seconds}:r=44100`, '-ac', '2'],
      ...['-c:a', 'libvorbis', '-q:a', '0', path],
    ])
    const res = await fetch(`${appUrl}/xrpc/fm.plyr.media.uploadAudio`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/octet-stream' },
      body: await readFile(path),
    })
    expect(res.status).toBe(200)
    const { uploadId, sha256 } = (await res.json()) as { uploadId: string; sha256: string }
    const made = await as(token).call(fm.plyr.feed.createTrack, { uploadId, title })
    return { ...made, token, sha256 }
  }

  const job = (id: string) =>
    database.db.selectFrom('media_job').selectAll().where('id', '=', id).executeTakeFirstOrThrow()

  /** Waits until the job is transcoding, with some of it done. */
  const transcoding = (id: string) =>
    waitFor(
      async () => {
        const j = await job(id)
        return j.stage === 'transcoding' && (j.percent ?? 0) > 0 ? j : undefined
      },
      { timeoutMs: 180_000 },
    )

  const staging = () => join(data.path, 'media', 'staging')

  /** Every stored file's key, from the local storage's folders. */
  async function storedFiles(): Promise<string[]> {
    const dir = join(data.path, 'media', 'objects')
    const keys: string[] = []
    for (const folder of await readdir(dir).catch(() => [] as string[])) {
      keys.push(...(await readdir(join(dir, folder))))
    }
    return keys.sort()
  }

  const objectRows = async () =>
    (await database.db.selectFrom('media_object').select('sha256').execute())
      .map((o) => o.sha256)
      .sort()

  async function trackRecords(did: string) {
    const query = new URLSearchParams({ repo: did, collection: `${NS}.track` })
    const res = await fetch(`${net.pdsUrl}/xrpc/com.atproto.repo.listRecords?${query}`)
    return ((await res.json()) as { records: { uri: string }[] }).records
  }

  it('a worker killed mid-transcode: the next one finishes the job, once, and nothing is orphaned', async () => {
    const artist = await net.createAccount('mira')
    const first = await startWorker()
    const made = await createTrack(artist, 440, 'Long Set')
    await transcoding(made.jobId)
    await killWorker(first)

    // the job is left running under a lease that has yet to run out; the dead worker's
    // half-written transcode is in staging. Both as if the next worker came much later:
    // the staged files made hours ago, the lease (a minute) run out
    const left = await job(made.jobId)
    expect(left).toMatchObject({ state: 'running', stage: 'transcoding', attempts: 1 })
    const staged = await readdir(staging())
    expect(staged.length).toBeGreaterThan(0)
    const hourAgo = new Date(Date.now() - 2 * 3600_000)
    for (const name of staged) await utimes(join(staging(), name), hourAgo, hourAgo)
    await database.db
      .updateTable('media_job')
      .set({ locked_until: new Date(Date.now() - 1000) })
      .where('id', '=', made.jobId)
      .execute()

    // a new worker: its first round sweeps; the lease run out, it takes the job again
    await startWorker()
    const done = await waitFor(
      async () => {
        const j = await job(made.jobId)
        return j.state === 'done' || j.state === 'failed' ? j : undefined
      },
      { timeoutMs: 400_000 },
    )
    expect(done).toMatchObject({ state: 'done', attempts: 2, error: null })

    // published once: one record on the PDS, one version, playable to the end
    const records = await trackRecords(artist.did)
    expect(records.map((r) => r.uri)).toEqual([made.uri])
    const versions = await database.db
      .selectFrom('media_version')
      .selectAll()
      .where('track_uri', '=', made.uri)
      .execute()
    expect(versions).toHaveLength(1)
    const { track } = await new Client({ service: appUrl }).call(fm.plyr.feed.getTrack, {
      uri: made.uri,
    })
    expect(track.duration).toBe(SECONDS)
    const played = await fetch(track.audioUrl!)
    expect(played.status).toBe(200)
    expect(played.headers.get('content-type')).toBe('audio/mpeg')
    const mp3 = join(data.path, 'played.mp3')
    await writeFile(mp3, new Uint8Array(await played.arrayBuffer()))
    const { stdout } = await run('ffprobe', [
      ...['-v', 'error', '-show_entries', 'format=duration', '-of', 'csv=p=0', mp3],
    ])
    expect(Math.abs(Number(stdout) - SECONDS)).toBeLessThan(0.1)

    // nothing orphaned: the stored files are the rows, the rows are the version's two
    // objects (the original and its transcode), and staging is empty
    const version = versions[0]!
    expect(version.original_sha256).toBe(made.sha256)
    const expected = [version.original_sha256, version.playable_sha256].sort()
    expect(await objectRows()).toEqual(expected)
    expect(await storedFiles()).toEqual(expected)
    expect(await readdir(staging())).toEqual([])
  })

  it("deleting an account's plyr data while its job runs: the job publishes nothing, and keeps nothing", async () => {
    const artist = await net.createAccount('theo')
    const objectsBefore = await objectRows()
    if (workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null)) {
      await startWorker()
    }
    const worker = workers.at(-1)!
    const made = await createTrack(artist, 550, 'Doomed Set')
    await transcoding(made.jobId)

    const { records } = await as(made.token).call(fm.plyr.actor.deleteData, { did: artist.did })
    expect(records).toBe(0)
    // the worker finds out, before it commits or publishes anything, that the job is over
    const ended = await waitFor(
      async () =>
        worker.lines.find(
          (l) =>
            l.job === made.jobId &&
            [
              'a media job was cancelled',
              'a media job failed',
              'a track was processed and published',
            ].includes(l.msg as string),
        ),
      { timeoutMs: 300_000 },
    )
    expect(ended.msg).toBe('a media job was cancelled')
    expect(await job(made.jobId)).toMatchObject({
      state: 'failed',
      error: "the account's plyr data was deleted",
    })
    expect(await trackRecords(artist.did)).toEqual([])
    const db = database.db
    expect(
      await db.selectFrom('track').selectAll().where('did', '=', artist.did).execute(),
    ).toEqual([])
    expect(
      await db.selectFrom('media_version').selectAll().where('did', '=', artist.did).execute(),
    ).toEqual([])
    // its upload and transcode are gone; what another account stored stays
    expect(await objectRows()).toEqual(objectsBefore)
    expect(await storedFiles()).toEqual(objectsBefore)
    expect(await readdir(staging())).toEqual([])
  })

  it('a job cancelled after its last check, while it writes its record, deletes the record again', async () => {
    const artist = await net.createAccount('nils')
    if (workers.every((w) => w.child.exitCode !== null || w.child.signalCode !== null)) {
      await startWorker()
    }
    const worker = workers.at(-1)!
    // the worker reads the artist (its name, its PDS) between its last check and its
    // write: a lock on that table holds it there, past the check, until the test lets go
    let release!: () => void
    const released = new Promise<void>((resolve) => (release = resolve))
    let locked!: () => void
    const holding = new Promise<void>((resolve) => (locked = resolve))
    const lock = database.db.transaction().execute(async (tx) => {
      await sql`lock table actor in access exclusive mode`.execute(tx)
      locked()
      await released
    })
    await holding
    try {
      const made = await createTrack(artist, 660, 'Late Set', 20)
      await waitFor(async () => {
        const j = await job(made.jobId)
        if (j.stage !== 'publishing') return undefined
        const { rows } = await sql<{ n: number }>`
          select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
        `.execute(database.db)
        return rows[0]!.n > 0 ? true : undefined
      })
      // the deletion cancels the job and finds no record to delete: none is written yet
      const { records } = await as(made.token).call(fm.plyr.actor.deleteData, {
        did: artist.did,
      })
      expect(records).toBe(0)
      expect(await job(made.jobId)).toMatchObject({ state: 'failed' })
      release()
      await lock
      // the worker writes its record, finds its job cancelled, and deletes the record
      const ended = await waitFor(
        async () =>
          worker.lines.find(
            (l) =>
              l.job === made.jobId &&
              ['a media job was cancelled', 'a track was processed and published'].includes(
                l.msg as string,
              ),
          ),
        { timeoutMs: 120_000 },
      )
      expect(ended.msg).toBe('a media job was cancelled')
      expect(await trackRecords(artist.did)).toEqual([])
      expect(
        await database.db.selectFrom('track').select('uri').where('did', '=', artist.did).execute(),
      ).toEqual([])
      expect(
        await database.db
          .selectFrom('media_version')
          .select('track_uri')
          .where('did', '=', artist.did)
          .execute(),
      ).toEqual([])
    } finally {
      release()
      await lock
    }
  })
})
