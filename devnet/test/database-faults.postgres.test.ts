import { randomBytes } from 'node:crypto'
import { setTimeout as sleep } from 'node:timers/promises'
import { Database } from '@plyr/db'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppViewProcess, startAppViewProcess } from '../../appview/test/appview-process.js'
import { devLabeler } from '../src/labeler.js'
import { type DevAccount, DevNetwork } from '../src/network.js'
import { OwnPostgres } from './own-postgres.js'
import { ReadLoad, type Route } from './read-load.js'
import { TcpProxy } from './tcp-proxy.js'
import { waitFor } from './wait.js'

const NS = 'fm.plyr.dev'
const LATEST = '/xrpc/fm.plyr.feed.getLatestTracks?limit=50'
/** Every request started this long after the database's return must succeed. */
const RECOVERY_MS = 10_000
/**
 * How long the database stays stopped. The code path is the one of a minute's outage (or
 * an hour's): requests fail fast while it is away, the indexer's batch waits with a
 * backoff capped at 5 s; only the test's length would change.
 */
const DOWN_MS = 15_000
/** Deadlines for a busy machine. */
const PATIENT = { timeoutMs: 60_000 }

type Health = { status: string; database: string; databaseError?: string }

/**
 * Database faults under load, against a Postgres this test owns: restarted, stopped for a
 * while, and cut mid-statement by a proxy. Two AppView processes read from it: one with
 * the indexer (following the dev network's Jetstream) and the labeler (whose labels it
 * subscribes to), through the proxy; one with RUN_INDEXER=false, direct.
 */
describe('database faults', { timeout: 300_000 }, () => {
  let net: DevNetwork
  let pg: OwnPostgres
  let proxy: TcpProxy
  let database: Database
  let indexing: AppViewProcess
  let reading: AppViewProcess
  let artist: DevAccount
  let routes: Route[]
  let labelerUrl: string

  beforeAll(async () => {
    ;[net, pg] = await Promise.all([DevNetwork.start(), OwnPostgres.start()])
    proxy = await TcpProxy.start(pg.port)
    // the test's own look at the index, directly
    database = await Database.open({ databaseUrl: pg.url, poolSize: 1 })
    const env = {
      ...net.serviceEnv(),
      PLYR_NAMESPACE: NS,
      SESSION_SECRET: randomBytes(32).toString('base64url'),
      // every read goes to the database
      FEED_CACHE_MS: '0',
    }
    const labeler = await devLabeler(net)
    labelerUrl = labeler.url
    indexing = await startAppViewProcess({
      ...env,
      ...labeler.env,
      DATABASE_URL: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
    })
    reading = await startAppViewProcess({ ...env, DATABASE_URL: pg.url, RUN_INDEXER: 'false' })
    artist = await net.createAccount('mira')
    const [first] = await writeTracks(artist, ['Before'])
    await indexed(indexing, [first!])
    routes = [
      { path: LATEST, ok: [200] },
      { path: LATEST, ok: [200] },
      { path: LATEST, ok: [200] },
      { path: LATEST, ok: [200] },
      { path: LATEST, ok: [200] },
      // a session cookie: looked up in the sign-in store, unknown
      { path: LATEST, headers: { cookie: `plyr_session=${'a'.repeat(43)}` }, ok: [401] },
      // a plain (non-XRPC) route
      { path: `/oembed?url=${encodeURIComponent(first!)}`, ok: [200] },
      { path: LATEST, ok: [200] },
    ]
  }, 180_000)

  afterAll(async () => {
    await indexing?.stop()
    await reading?.stop()
    await database?.destroy()
    await proxy?.destroy()
    await pg?.destroy()
    await net?.destroy()
  })

  /** 16 readers on the indexing AppView, 8 on the other, 4 on the labeler's labels. */
  const load = () =>
    new ReadLoad([
      { base: indexing.url, routes, readers: 16 },
      { base: reading.url, routes, readers: 8 },
      {
        base: labelerUrl,
        routes: [
          { path: '/xrpc/com.atproto.label.queryLabels?uriPatterns=at%3A%2F%2F*', ok: [200] },
        ],
        readers: 4,
      },
    ])

  /** After a fault: both processes up, no answer but the usual or a typed 503, then all usual. */
  async function expectRecovered(readers: ReadLoad, back: number) {
    await readers.answeredSince(back + RECOVERY_MS, 48)
    await readers.stop()
    expect(indexing.alive()).toBe(true)
    expect(reading.alive()).toBe(true)
    expect(readers.unexpected()).toEqual([])
    expect(readers.failedSince(back + RECOVERY_MS)).toEqual([])
    for (const service of [indexing, reading]) {
      expect(service.output()).not.toMatch(/Unhandled|uncaught|unhandled error/i)
    }
  }

  it('a restart under load: processes stay up, requests succeed or get 503 DatabaseUnavailable, then all succeed', async () => {
    const readers = load()
    await readers.answeredSince(Date.now(), 48)
    await pg.restart()
    const back = Date.now()
    await expectRecovered(readers, back)
  })

  it('stopped for a while: /health says down, 503s, the indexer resumes from its cursor with nothing lost', async () => {
    const readers = load()
    await readers.answeredSince(Date.now(), 48)
    const cursorBefore = await cursor()
    await pg.stop()
    const downAt = Date.now()
    for (const url of [indexing.url, reading.url, labelerUrl]) {
      const health = await waitFor(async () => {
        const res = await fetch(`${url}/health`)
        const body = (await res.json()) as Health
        return res.status === 503 && body.status === 'down' ? body : undefined
      }, PATIENT)
      expect(health.database).toBe('unavailable')
      expect(health.databaseError).toBeTruthy()
    }
    // written to the PDS while the index cannot take them
    const during = await writeTracks(artist, ['During 1', 'During 2', 'During 3'])
    await waitFor(async () => (readers.unavailable() > 0 ? true : undefined), PATIENT)
    // the outage's length is the scenario, not a wait for something to happen
    await sleep(Math.max(0, downAt + DOWN_MS - Date.now()))
    await pg.start()
    const back = Date.now()
    for (const url of [indexing.url, reading.url, labelerUrl]) {
      const health = await waitFor(async () => {
        const res = await fetch(`${url}/health`)
        return res.status === 200 ? ((await res.json()) as Health) : undefined
      }, PATIENT)
      expect(health.database).toBe('ok')
    }
    await indexed(indexing, during)
    expect(await cursor()).toBeGreaterThan(cursorBefore)
    // the batch waited for the database, in place, rather than being dropped
    expect(indexing.output()).toContain('the database is unreachable; retrying the batch')
    await expectRecovered(readers, back)
  })

  it('connections cut mid-statement by a proxy: the same, and the indexer keeps indexing', async () => {
    const readers = load()
    for (let i = 0; i < 3; i++) {
      await readers.answeredSince(Date.now(), 16)
      expect(await proxy.cutMidStatement()).toBeGreaterThan(0)
    }
    const back = Date.now()
    const after = await writeTracks(artist, ['After 1', 'After 2'])
    await indexed(indexing, after)
    await expectRecovered(readers, back)
  })

  async function cursor(): Promise<number> {
    const row = await database.db
      .selectFrom('cursor')
      .select('cursor')
      .where('source', '=', 'jetstream')
      .executeTakeFirstOrThrow()
    return row.cursor
  }
})

async function writeTracks(artist: DevAccount, titles: string[]): Promise<string[]> {
  const uris: string[] = []
  for (const title of titles) {
    const res = await artist.client.createRecord({
      $type: `${NS}.track`,
      title,
      artist: 'Mira',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    uris.push(res.body.uri)
  }
  return uris
}

/** Waits until the AppView's feed shows every one of `uris`. */
async function indexed(service: AppViewProcess, uris: string[]): Promise<void> {
  await waitFor(
    async () => {
      const res = await fetch(service.url + LATEST)
      if (!res.ok) return undefined
      const { tracks } = (await res.json()) as { tracks: { uri: string }[] }
      const shown = new Set(tracks.map((t) => t.uri))
      return uris.every((u) => shown.has(u)) ? true : undefined
    },
    { timeoutMs: 60_000 },
  )
}
