import { spawn } from 'node:child_process'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openTestDatabase } from '@plyr/db/testing'
import { DevNetwork, freePort } from '../src/network.js'
import { waitFor } from './wait.js'

const root = join(import.meta.dirname, '../..')
const ns = 'fm.plyr.dev'

describe('crash safety', () => {
  it('kill -9 in the middle of indexing loses nothing and counts nothing twice', async () => {
    await using net = await DevNetwork.start()
    // a real Postgres: the point is what survives a killed client mid-transaction
    await using database = await openTestDatabase('postgres')
    const env = {
      ...process.env,
      ...net.serviceEnv('jetstream'),
      PLYR_NAMESPACE: ns,
      DATABASE_URL: database.url!,
      INDEXER_BATCH_SIZE: '5',
      INDEXER_PORT: String(await freePort()),
      LOG_LEVEL: 'error',
    }
    const startIndexer = () =>
      spawn(process.execPath, ['--import', 'tsx', join(root, 'indexer/src/bin/start.ts')], {
        cwd: root,
        env,
        stdio: 'ignore',
      })

    const artist = await net.createAccount('kai')
    const fan = await net.createAccount('fan')
    let indexer = startIndexer()
    // following the stream before anything is written: a first start that has not yet
    // connected would see the writes only through backfill
    const connected = async () => {
      const res = await fetch(`http://127.0.0.1:${env.INDEXER_PORT}/health`).catch(() => undefined)
      const health = (await res?.json().catch(() => undefined)) as
        { indexer?: { state?: string } } | undefined
      return health?.indexer?.state === 'connected' ? true : undefined
    }
    await waitFor(connected)
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
        // only from it; the first start's network backfill brings the artist's tracks, and
        // a process killed before its first stream batch has no cursor to resume from)
        await waitFor(async () => {
          const n = await database.db
            .selectFrom('like')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
          return Number(n.n) > 0 ? true : undefined
        })
        indexer.kill('SIGKILL')
        await new Promise((resolve) => indexer.once('exit', resolve))
        indexer = startIndexer()
      }
    }
    try {
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
      indexer.kill('SIGKILL')
    }
  })
})
