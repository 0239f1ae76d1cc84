import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { sql } from 'kysely'
import { describe, expect, it } from 'vitest'
import { openTestDatabase } from '@plyr/db/testing'
import { DevNetwork, freePort } from '../src/network.js'
import { waitFor } from './wait.js'

const root = join(import.meta.dirname, '../..')
const ns = 'fm.plyr.dev'

/** The indexer as its own process (`npm run start:indexer`), against `databaseUrl`. */
async function indexerProcess(
  net: DevNetwork,
  source: 'jetstream' | 'firehose',
  databaseUrl: string,
) {
  const env = {
    ...process.env,
    ...net.serviceEnv(source),
    PLYR_NAMESPACE: ns,
    DATABASE_URL: databaseUrl,
    INDEXER_BATCH_SIZE: '5',
    INDEXER_PORT: String(await freePort()),
    LOG_LEVEL: 'error',
  }
  return {
    start: () =>
      spawn(process.execPath, ['--import', 'tsx', join(root, 'indexer/src/bin/start.ts')], {
        cwd: root,
        env,
        stdio: 'ignore',
      }),
    /**
     * Resolves once /health says the stream is connected. The firehose says so at its first
     * message: `nudge` is called between tries to write one.
     */
    connected: (nudge?: () => Promise<unknown>) =>
      waitFor(
        async () => {
          const res = await fetch(`http://127.0.0.1:${env.INDEXER_PORT}/health`).catch(
            () => undefined,
          )
          const health = (await res?.json().catch(() => undefined)) as
            { indexer?: { state?: string } } | undefined
          if (health?.indexer?.state === 'connected') return true
          await nudge?.()
          return undefined
        },
        { intervalMs: 500 },
      ),
  }
}

async function killed(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
}

describe('crash safety', () => {
  it('kill -9 in the middle of indexing loses nothing and counts nothing twice', async () => {
    await using net = await DevNetwork.start()
    // a real Postgres: the point is what survives a killed client mid-transaction
    await using database = await openTestDatabase('postgres')
    const indexerProc = await indexerProcess(net, 'jetstream', database.url!)
    const artist = await net.createAccount('kai')
    const fan = await net.createAccount('fan')
    let indexer = indexerProc.start()
    try {
      // following the stream before anything is written: a first start that has not yet
      // connected would see the writes only through backfill
      await indexerProc.connected()
      const tracks: { uri: string; cid: string }[] = []
      for (let i = 0; i < 40; i++) {
        const res = await artist.client.createRecord({
          $type: `${ns}.track`,
          title: `take ${i}`,
          artist: 'Kai',
          fileType: 'mp3',
          createdAt: new Date().toISOString(),
        })
        tracks.push(res.body)
        await fan.client.createRecord({
          $type: `${ns}.like`,
          subject: res.body,
          createdAt: new Date().toISOString(),
        })
        if (i === 20) {
          // mid-stream, with batches in flight: once the stream has delivered (likes come
          // only from it; the first start's network backfill brings the artist's tracks)
          await waitFor(async () => {
            const n = await database.db
              .selectFrom('like')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .executeTakeFirstOrThrow()
            return Number(n.n) > 0 ? true : undefined
          })
          await killed(indexer)
          indexer = indexerProc.start()
        }
      }
      const rows = await waitFor(
        async () => {
          const r = await database.db
            .selectFrom('track')
            .leftJoin('track_count', 'track_count.uri', 'track.uri')
            .select(['track.uri', 'track_count.like_count'])
            .execute()
          return r.length === tracks.length && r.every((t) => t.like_count === 1) ? r : undefined
        },
        { timeoutMs: 90_000 },
      )
      expect(rows.map((r) => r.uri).sort()).toEqual(tracks.map((t) => t.uri).sort())
      const likes = await database.db.selectFrom('like').select('uri').execute()
      expect(likes).toHaveLength(tracks.length)
    } finally {
      await killed(indexer)
    }
  })

  for (const source of ['jetstream', 'firehose'] as const) {
    it(`a first start (${source}) killed before its first batch commits misses nothing`, async () => {
      await using net = await DevNetwork.start()
      await using database = await openTestDatabase('postgres')
      const indexerProc = await indexerProcess(net, source, database.url!)
      const artist = await net.createAccount('kai')
      const fan = await net.createAccount('fan')
      // writes to `record` wait behind this lock (reads do not): nothing the first start
      // is given can commit until it is released
      let release!: () => void
      const released = new Promise<void>((resolve) => (release = resolve))
      const locked = database.db.transaction().execute(async (tx) => {
        await sql`lock table record in exclusive mode`.execute(tx)
        await released
      })
      let indexer = indexerProc.start()
      try {
        const write = () =>
          artist.client.createRecord({
            $type: `${ns}.track`,
            title: 'first light',
            artist: 'Kai',
            fileType: 'mp3',
            createdAt: new Date().toISOString(),
          })
        await indexerProc.connected(write)
        // written after the stream is followed, so the track and the like reach the index
        // only through it (the fan holds no tracks, so the first start's network listing
        // does not backfill them; the artist's backfill, cut short by the kill, waits out
        // its lease)
        const track = await write()
        await fan.client.createRecord({
          $type: `${ns}.like`,
          subject: track.body,
          createdAt: new Date().toISOString(),
        })
        // the indexer is stuck writing behind the lock when it is killed
        await waitFor(async () => {
          const { rows } = await sql<{ n: number }>`
            select count(*)::int as n from pg_stat_activity
            where datname = current_database() and wait_event_type = 'Lock'`.execute(database.db)
          return rows[0]!.n > 0 ? true : undefined
        })
        await killed(indexer)
        release()
        await locked
        indexer = indexerProc.start()
        const counted = await waitFor(async () => {
          const row = await database.db
            .selectFrom('track_count')
            .select('like_count')
            .where('uri', '=', track.body.uri)
            .executeTakeFirst()
          return row?.like_count === 1 ? row : undefined
        })
        expect(counted.like_count).toBe(1)
      } finally {
        release()
        await killed(indexer)
      }
    })
  }
})
