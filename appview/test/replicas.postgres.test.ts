import type { TestDatabase } from '@plyr/db/testing'
import { put, subjectRecord, trackRecord } from '@plyr/indexer/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type AppViewProcess, startAppViewProcess } from './appview-process.js'
import { type DidWebViewer, startDidWebViewer } from './did-web-viewer.js'
import { openIndexedDatabase } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const T = 'fm.plyr.track'
const uri = (did: string, n: number) => `at://${did}/${T}/t${n}`
// several tracks share a minute, so cursors must carry the uri tiebreak
const when = (n: number) => new Date(Date.UTC(2026, 0, 1, 0, Math.floor(n / 3))).toISOString()
// the replicas sit behind one public URL, so they share one DID: the service JWT audience
const PUBLIC_URL = 'https://plyr.example.com'
const AUDIENCE = 'did:web:plyr.example.com'

describe('two AppView processes on one Postgres database', () => {
  let database: TestDatabase
  let viewer: DidWebViewer
  let a: AppViewProcess
  let b: AppViewProcess

  beforeAll(async () => {
    viewer = await startDidWebViewer()
    database = await openIndexedDatabase(
      [
        ...Array.from({ length: 8 }, (_, n) =>
          put(
            'create',
            aurora,
            T,
            `t${n}`,
            n + 1,
            trackRecord(`Aurora ${n}`, { createdAt: when(n) }),
          ),
        ),
        ...Array.from({ length: 3 }, (_, n) =>
          put(
            'create',
            basil,
            T,
            `t${n}`,
            n + 1,
            trackRecord(`Basil ${n}`, { createdAt: when(n) }),
          ),
        ),
        put('create', viewer.did, 'fm.plyr.like', 'l1', 1, subjectRecord(uri(aurora, 2))),
        put('create', basil, 'fm.plyr.like', 'l1', 5, subjectRecord(uri(aurora, 2))),
        ...[4000, 1000, 1000, 9000, 2500].map((ms, i) =>
          put(
            'create',
            i % 2 ? basil : aurora,
            'fm.plyr.comment',
            `c${i}`,
            10 + i,
            subjectRecord(uri(aurora, 2), { text: `at ${ms}`, timestampMs: ms }),
          ),
        ),
      ],
      async (did) => ({ handle: did === aurora ? 'aurora.test' : null, displayName: null }),
    )
    const env = {
      DATABASE_URL: database.url!,
      RUN_INDEXER: 'false',
      PUBLIC_URL,
      IDENTITY_ALLOW_PRIVATE_NETWORK: 'true',
    }
    ;[a, b] = await Promise.all([startAppViewProcess(env), startAppViewProcess(env)])
  })
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()])
    await database?.destroy()
    await viewer?.close()
  })

  type Answer = { status: number; body: Record<string, unknown> & { cursor?: string } }
  async function get(replica: AppViewProcess, path: string, jwt?: string): Promise<Answer> {
    const res = await fetch(`${replica.url}/xrpc/${path}`, {
      headers: jwt ? { authorization: `Bearer ${jwt}` } : {},
    })
    return { status: res.status, body: (await res.json()) as Answer['body'] }
  }
  /** Every page of `path`, each page asked of the next replica in `order`, round robin. */
  async function walk(path: string, order: AppViewProcess[]): Promise<Answer[]> {
    const pages: Answer[] = []
    let cursor: string | undefined
    do {
      const replica = order[pages.length % order.length]!
      const sep = path.includes('?') ? '&' : '?'
      const page = await get(
        replica,
        cursor ? `${path}${sep}cursor=${encodeURIComponent(cursor)}` : path,
      )
      expect(page.status).toBe(200)
      pages.push(page)
      cursor = page.body.cursor
    } while (cursor && pages.length < 20)
    return pages
  }

  it('are two processes on the same database', async () => {
    expect(a.url).not.toBe(b.url)
    const health = await Promise.all(
      [a, b].map(async (r) => (await fetch(`${r.url}/health`)).json()),
    )
    expect(health).toMatchObject([{ database: 'ok' }, { database: 'ok' }])
  })

  it('page through the same feed when a cursor from one is continued on the other', async () => {
    for (const path of [
      'fm.plyr.feed.getLatestTracks?limit=3',
      `fm.plyr.feed.getArtistTracks?actor=${aurora}&limit=3`,
      `fm.plyr.feed.getArtistTracks?actor=aurora.test&limit=2`,
      `fm.plyr.feed.getComments?uri=${encodeURIComponent(uri(aurora, 2))}&limit=2`,
    ]) {
      const alternating = await walk(path, [a, b])
      expect(alternating.length).toBeGreaterThan(2)
      expect(alternating).toEqual(await walk(path, [a]))
      expect(alternating).toEqual(await walk(path, [b]))
    }
  })

  it('give the same answers to one viewer, with one service JWT presented to both', async () => {
    const path = `fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri(aurora, 2))}`
    const jwt = await viewer.jwt(AUDIENCE, 'fm.plyr.feed.getTrack')
    const [fromA, fromB] = [await get(a, path, jwt), await get(b, path, jwt)]
    expect(fromA).toMatchObject({
      status: 200,
      body: {
        track: {
          likeCount: 2,
          viewer: { like: `at://${viewer.did}/fm.plyr.like/l1` },
        },
      },
    })
    expect(fromB).toEqual(fromA)
    const latest = await viewer.jwt(AUDIENCE, 'fm.plyr.feed.getLatestTracks')
    expect(await get(b, 'fm.plyr.feed.getLatestTracks', latest)).toEqual(
      await get(a, 'fm.plyr.feed.getLatestTracks', latest),
    )
  })

  it('refuse the same bad requests the same way', async () => {
    for (const path of [
      'fm.plyr.feed.getLatestTracks?cursor=not-a-cursor',
      `fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri(basil, 99))}`,
    ]) {
      const fromA = await get(a, path)
      expect(fromA.status).toBe(400)
      expect(await get(b, path)).toEqual(fromA)
    }
  })
})
