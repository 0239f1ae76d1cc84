import { execFile } from 'node:child_process'
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
    await using plyr = await startPlyr({ ...net.serviceEnv(), PLYR_NAMESPACE: ns }, data.path)
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
      return page.tracks.length === 3 ? page.tracks : undefined
    })
    expect(tracks.map((t) => t.title).sort()).toEqual(['Old One', 'Old Three', 'Old Two'])
    expect(tracks[0]!.artist).toMatchObject({ handle: 'delia.test', displayName: 'Delia' })
    const like = await waitFor(async () => {
      const row = await trackCounts(plyr.database.db, first!)
      return row?.like_count === 1 ? row : undefined
    })
    expect(like.like_count).toBe(1)
    const actor = await waitFor(async () => {
      const row = await plyr.database.db
        .selectFrom('actor')
        .select('backfilled_at')
        .executeTakeFirst()
      return row?.backfilled_at ? row : undefined
    })
    expect(actor.backfilled_at).toBeInstanceOf(Date)
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
    // four CLI processes, each starting Node and tsx: slow on a busy 2-core machine
  }, 120_000)
})
