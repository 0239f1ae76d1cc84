import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { put, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const when = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()

describe(`the feed cache (FEED_CACHE_MS) on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      Array.from({ length: 3 }, (_, n) =>
        put(
          'create',
          aurora,
          'fm.plyr.track',
          `t${n}`,
          n + 1,
          trackRecord(`Track ${n}`, { createdAt: when(n) }),
        ),
      ),
      async () => ({ handle: 'aurora.test', displayName: null }),
      { FEED_CACHE_MS: '60000' },
    )
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const titles = async (limit: number) =>
    (await app.client.call(fm.plyr.feed.getLatestTracks, { limit })).tracks.map((t) => t.title)

  it('serves an anonymous page from the cache for its lifetime, per limit and cursor', async () => {
    expect(await titles(2)).toEqual(['Track 2', 'Track 1'])
    await app.database.db
      .updateTable('track')
      .set({ title: 'Renamed' })
      .where('title', '=', 'Track 2')
      .execute()
    expect(await titles(2)).toEqual(['Track 2', 'Track 1'])
    expect(await titles(3)).toEqual(['Renamed', 'Track 1', 'Track 0'])
    const res = await fetch(`${app.url}/xrpc/fm.plyr.feed.getLatestTracks?limit=2`)
    expect(res.headers.get('content-type')).toMatch(/^application\/json/)
    const body = (await res.json()) as { tracks: unknown[]; cursor: string }
    expect(body.tracks).toHaveLength(2)
    const next = await app.client.call(fm.plyr.feed.getLatestTracks, {
      limit: 2,
      cursor: body.cursor,
    })
    expect(next.tracks.map((t) => t.title)).toEqual(['Track 0'])
  })

  it('answers a malformed cursor with InvalidCursor every time: errors are not cached', async () => {
    for (let i = 0; i < 2; i++) {
      const res = await app.get('/xrpc/fm.plyr.feed.getLatestTracks?cursor=garbage')
      expect(res).toMatchObject({ status: 400, body: { error: 'InvalidCursor' } })
    }
  })
})
