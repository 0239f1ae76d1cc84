import { execFile } from 'node:child_process'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { Client } from '@atproto/lex'
import { describe, expect, it } from 'vitest'
import { Database } from '@plyr/db'
import { trackCounts } from '@plyr/db/testing'
import { fm } from '@plyr/lexicons'
import { DevNetwork, type DevAccount } from '../src/network.js'
import { startPlyr, tempDir } from './service.js'
import { waitFor } from './wait.js'

const run = promisify(execFile)
const root = join(import.meta.dirname, '../..')
const ns = 'fm.plyr.dev'

async function publishCatalogue(artist: DevAccount, titles: string[]) {
  await artist.client.putRecord({ $type: 'app.bsky.actor.profile', displayName: 'Delia' }, 'self')
  const uris: string[] = []
  for (const title of titles) {
    const res = await artist.client.createRecord({
      $type: `${ns}.track`,
      title,
      artist: 'Delia',
      fileType: 'mp3',
      createdAt: new Date().toISOString(),
    })
    uris.push(res.body.uri)
  }
  return uris
}

describe('backfill', () => {
  it('fetches the existing records of an actor the first time the stream shows them', async () => {
    await using net = await DevNetwork.start()
    const artist = await net.createAccount('delia')
    const [first] = await publishCatalogue(artist, ['Old One', 'Old Two', 'Old Three'])
    await using data = await tempDir()
    // plyr starts after the catalogue was written: the stream alone would never show it
    await using plyr = await startPlyr(
      // the new-actor path alone: no network-wide backfill at the first start
      { ...net.serviceEnv(), PLYR_NAMESPACE: ns, BACKFILL_NETWORK_ON_START: 'false' },
      data.path,
    )
    await artist.client.createRecord({
      $type: `${ns}.like`,
      subject: {
        uri: first!,
        cid: (await artist.client.getRecord(`${ns}.track`, first!.split('/').pop()!)).body.cid!,
      },
      createdAt: new Date().toISOString(),
    })
    const appview = new Client({ service: plyr.url })
    const tracks = await waitFor(async () => {
      const page = await appview.call(fm.plyr.feed.getLatestTracks, {})
      // the artist's handle is resolved in the background, after the records
      const resolved = page.tracks.every((t) => t.artist.handle === 'delia.test')
      return page.tracks.length === 3 && resolved ? page.tracks : undefined
    })
    expect(tracks.map((t) => t.title).sort()).toEqual(['Old One', 'Old Three', 'Old Two'])
    expect(tracks[0]!.artist).toMatchObject({ handle: 'delia.test', displayName: 'Delia' })
    const like = await waitFor(async () => {
      const row = await trackCounts(plyr.database.db, first!)
      return row?.like_count === 1 ? row : undefined
    })
    expect(like.like_count).toBe(1)
    const repo = await waitFor(async () => {
      const row = await plyr.database.db
        .selectFrom('backfill_repo')
        .select(['done_at', 'records'])
        .executeTakeFirst()
      return row?.done_at ? row : undefined
    })
    // its profile and three tracks, and the like if it was written before the fetch
    expect(repo.records).toBeGreaterThanOrEqual(4)
  })

  it('npm run backfill takes handles or DIDs, and --network finds every repo with tracks', async () => {
    await using net = await DevNetwork.start()
    const delia = await net.createAccount('delia')
    const emil = await net.createAccount('emil')
    await net.createAccount('listener') // no tracks: --network leaves it out
    await publishCatalogue(delia, ['D1', 'D2'])
    await publishCatalogue(emil, ['E1'])
    await using data = await tempDir()
    const env = {
      ...process.env,
      ...net.serviceEnv(),
      PLYR_NAMESPACE: ns,
      DATA_DIR: data.path,
      RELAY_URL: net.pdsUrl,
    }
    const backfill = (...args: string[]) =>
      run('npm', ['run', '--silent', 'backfill', '--', ...args], { cwd: root, env })

    const one = await backfill('delia.test')
    expect(JSON.parse(one.stdout)).toEqual({ repos: 1, records: 3, failed: 0 })
    expect(one.stderr).toContain('backfill: 1/1 repos, 3 records, 0 failed')

    const all = await backfill('--network', '--concurrency', '2')
    expect(JSON.parse(all.stdout)).toEqual({ repos: 2, records: 5, failed: 0 })

    await expect(backfill('nobody.test')).rejects.toMatchObject({
      stderr: expect.stringContaining('cannot resolve handle nobody.test'),
    })
    await expect(backfill()).rejects.toMatchObject({ code: 2 })

    await using database = await Database.open({ dataDir: data.path })
    const titles = await database.db.selectFrom('track').select('title').orderBy('title').execute()
    expect(titles.map((t) => t.title)).toEqual(['D1', 'D2', 'E1'])
  })

  it('npm run backfill beside a running plyr hands its work to it, and it is done', async () => {
    await using net = await DevNetwork.start()
    const delia = await net.createAccount('delia')
    await publishCatalogue(delia, ['D1', 'D2'])
    await using data = await tempDir()
    const env = { ...net.serviceEnv(), PLYR_NAMESPACE: ns, BACKFILL_NETWORK_ON_START: 'false' }
    // plyr owns the embedded database: the command line may not open it beside it
    await using plyr = await startPlyr(env, data.path)
    const backfill = (...args: string[]) =>
      run('npm', ['run', '--silent', 'backfill', '--', ...args], {
        cwd: root,
        env: { ...process.env, ...env, DATA_DIR: data.path },
      })

    const handed = await backfill('delia.test')
    expect(handed.stderr).toContain(`handed 1 repos to process ${process.pid}`)
    expect(handed.stderr).toContain('backfill: 1/1 repos, 3 records, 0 failed')
    expect(JSON.parse(handed.stdout)).toEqual({ repos: 1, records: 3, failed: 0 })
    const titles = await plyr.database.db.selectFrom('track').select('title').execute()
    expect(titles.map((t) => t.title).sort()).toEqual(['D1', 'D2'])

    // the address is in the lock (mode 0600); without its token the process refuses
    const lock = JSON.parse(await readFile(join(data.path, 'plyr.lock'), 'utf8')) as {
      control: { url: string; token: string }
    }
    expect(new URL(lock.control.url).hostname).toBe('127.0.0.1')
    for (const authorization of [undefined, 'Bearer wrong', `Basic ${lock.control.token}`]) {
      const res = await fetch(`${lock.control.url}/backfill`, {
        method: 'POST',
        headers: authorization ? { authorization } : {},
        body: JSON.stringify({ dids: [delia.did] }),
      })
      expect(res.status).toBe(401)
    }

    // asked again, a repo already done is fetched again (a new track since)
    await publishCatalogue(delia, ['D3'])
    const again = await backfill(delia.did)
    expect(JSON.parse(again.stdout)).toEqual({ repos: 1, records: 4, failed: 0 })
    const all = await plyr.database.db.selectFrom('track').select('title').execute()
    expect(all.map((t) => t.title).sort()).toEqual(['D1', 'D2', 'D3'])
  }, 120_000)

  it('starts complete: the first start backfills every repo the relay lists, each once', async () => {
    await using net = await DevNetwork.start()
    const delia = await net.createAccount('delia')
    const emil = await net.createAccount('emil')
    await net.createAccount('listener') // no tracks: the relay does not list it
    await publishCatalogue(delia, ['D1', 'D2'])
    await publishCatalogue(emil, ['E1'])
    await using data = await tempDir()
    // the relay's listing alone: no backfill of actors the stream shows (none post anyway)
    const env = { ...net.serviceEnv(), PLYR_NAMESPACE: ns, BACKFILL_NEW_ACTORS: 'false' }
    type Health = {
      indexer: {
        backfill: {
          pending: number
          done: number
          failed: number
          network: { state: string; listed: number }
        }
      }
    }
    const health = async (url: string) =>
      ((await (await fetch(`${url}/health`)).json()) as Health).indexer.backfill
    const doneAt = (plyr: { database: Database }) =>
      plyr.database.db.selectFrom('backfill_repo').select(['did', 'done_at']).execute()

    const first = await startPlyr(env, data.path)
    const appview = new Client({ service: first.url })
    const titles = await waitFor(async () => {
      const page = await appview.call(fm.plyr.feed.getLatestTracks, {})
      return page.tracks.length === 3 ? page.tracks.map((t) => t.title).sort() : undefined
    })
    expect(titles).toEqual(['D1', 'D2', 'E1'])
    const progress = await waitFor(async () => {
      const b = await health(first.url)
      return b.done === 2 ? b : undefined
    })
    expect(progress).toEqual({
      pending: 0,
      done: 2,
      failed: 0,
      network: expect.objectContaining({ state: 'complete', listed: 2 }),
    })
    const metrics = await (await fetch(`${first.url}/metrics`)).text()
    expect(metrics).toMatch(/plyr_indexer_backfill_listed 2/)
    const before = await doneAt(first)
    await first.destroy()

    // the next start neither lists again nor fetches a repo it has
    await using second = await startPlyr(env, data.path)
    expect((await health(second.url)).network.state).toBe('complete')
    expect(await doneAt(second)).toEqual(before)
  })
})
