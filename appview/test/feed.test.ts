import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import type { IndexEvent } from '@plyr/indexer'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startAppView, startIndexedAppView } from './indexed-appview.js'

const artists = {
  'did:plc:aurora00000000000000000': { handle: 'aurora.test', displayName: 'Aurora Vale' },
  'did:plc:basil000000000000000000': { handle: 'basil.test', displayName: null },
}
const [aurora, basil] = Object.keys(artists) as [`did:${string}`, `did:${string}`]
const CID = 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um'

function createTrack(did: string, n: number): IndexEvent {
  const rkey = `3kaaaaaaaa${String(n).padStart(3, '0')}`
  return {
    kind: 'commit',
    op: 'create',
    did,
    collection: 'fm.plyr.track',
    rkey,
    uri: `at://${did}/fm.plyr.track/${rkey}`,
    rev: '3k001',
    cid: CID,
    record: {
      $type: 'fm.plyr.track',
      title: `Track ${n}`,
      artist: 'someone',
      fileType: 'mp3',
      duration: 100 + n,
      // several tracks share a timestamp, so the uri tiebreak is exercised
      createdAt: new Date(Date.UTC(2026, 0, 1, 0, Math.floor(n / 2))).toISOString(),
    },
  }
}

describe(`AppView feed on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [...Array.from({ length: 7 }, (_, n) => createTrack(aurora, n)), createTrack(basil, 100)],
      async (did) => artists[did as keyof typeof artists],
    )
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const get = (path: string) => app.get(path)

  it('pages through the newest tracks to the end with no duplicates or gaps', async () => {
    const seen: string[] = []
    let cursor: string | undefined
    let pages = 0
    do {
      const page = await app.client.call(fm.plyr.feed.getLatestTracks, { limit: 3, cursor })
      seen.push(...page.tracks.map((t) => t.title))
      cursor = page.cursor
      pages++
    } while (cursor && pages < 10)
    expect(seen).toEqual([
      'Track 100',
      'Track 6',
      'Track 5',
      'Track 4',
      'Track 3',
      'Track 2',
      'Track 1',
      'Track 0',
    ])
    expect(pages).toBe(3)
  })

  it('hydrates the artist on every track view', async () => {
    const { tracks } = await app.client.call(fm.plyr.feed.getLatestTracks, { limit: 2 })
    expect(tracks[0]?.artist).toEqual({ did: basil, handle: 'basil.test' })
    expect(tracks[1]).toMatchObject({
      artist: { did: aurora, handle: 'aurora.test', displayName: 'Aurora Vale' },
      title: 'Track 6',
      duration: 106,
      record: { $type: 'fm.plyr.track', title: 'Track 6' },
    })
  })

  it('gets one track by uri, and answers TrackNotFound for an unknown one', async () => {
    const uri = `at://${aurora}/fm.plyr.track/3kaaaaaaaa003` as const
    const { track } = await app.client.call(fm.plyr.feed.getTrack, { uri })
    expect(track).toMatchObject({ uri, title: 'Track 3', artist: { handle: 'aurora.test' } })
    const missing = await get(`/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(`${uri}x`)}`)
    expect(missing).toMatchObject({ status: 400, body: { error: 'TrackNotFound' } })
  })

  it('answers bad params and malformed cursors with InvalidRequest, never 500', async () => {
    for (const query of [
      'limit=0',
      'limit=101',
      'limit=ten',
      'cursor=garbage',
      'cursor=12::nope',
    ]) {
      const res = await get(`/xrpc/fm.plyr.feed.getLatestTracks?${query}`)
      expect({ query, status: res.status }).toEqual({ query, status: 400 })
      expect(res.body.error).toMatch(/InvalidRequest|InvalidCursor/)
    }
    const noUri = await get('/xrpc/fm.plyr.feed.getTrack')
    expect(noUri.status).toBe(400)
    const badUri = await get('/xrpc/fm.plyr.feed.getTrack?uri=not-an-at-uri')
    expect(badUri.status).toBe(400)
  })

  it('hides the tracks of an account that is not active', async () => {
    await app.database.db
      .updateTable('actor')
      .set({ status: 'suspended' })
      .where('did', '=', basil)
      .execute()
    try {
      const { tracks } = await app.client.call(fm.plyr.feed.getLatestTracks, { limit: 100 })
      expect(tracks.map((t) => t.artist.did)).not.toContain(basil)
      expect(tracks).toHaveLength(7)
      const uri = `at://${basil}/fm.plyr.track/3kaaaaaaaa100`
      const res = await get(`/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri)}`)
      expect(res).toMatchObject({ status: 400, body: { error: 'TrackNotFound' } })
    } finally {
      await app.database.db
        .updateTable('actor')
        .set({ status: 'active' })
        .where('did', '=', basil)
        .execute()
    }
  })

  it('answers / and the client routes with the web client, any other page with its 404', async () => {
    for (const path of ['/', `/track/${aurora}/3kaaaaaaaa001`, '/search?q=x', '/tag/ambient']) {
      const res = await fetch(`${app.url}${path}`)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/html/)
      expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'(;|$)/)
      const html = await res.text()
      expect(html).toContain('<plyr-app></plyr-app>')
      expect(html).toContain('<meta name="plyr-namespace" content="fm.plyr" />')
      const script = /<script type="module" crossorigin src="([^"]+)">/.exec(html)![1]!
      const asset = await fetch(`${app.url}${script}`)
      expect(asset.status).toBe(200)
      expect(asset.headers.get('cache-control')).toContain('immutable')
    }
    const missing = await fetch(`${app.url}/no/such/page`, { headers: { accept: 'text/html' } })
    expect(missing.status).toBe(404)
    expect(await missing.text()).toContain('<plyr-app></plyr-app>')
    // an API path never gets the page
    expect((await fetch(`${app.url}/xrpc/fm.plyr.feed.noSuchMethod`)).status).not.toBe(200)
  })

  it('answers / with an index of what it serves when no web client is served', async () => {
    const bare = await startAppView(app.database.db, { CLIENT_DIR: '' })
    try {
      const res = await fetch(`${bare.url}/`)
      expect(res.status).toBe(200)
      const body = (await res.json()) as { name: string; endpoints: Record<string, string> }
      expect(body).toMatchObject({ name: 'plyr', endpoints: expect.any(Object) })
    } finally {
      await bare.destroy()
    }
  })

  it('reports health with the database state', async () => {
    expect(await get('/health')).toEqual({
      status: 200,
      body: { status: 'ok', database: 'ok' },
    })
  })
})
