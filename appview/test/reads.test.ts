import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { del, put, subjectRecord, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const hidden = 'did:plc:hidden00000000000000000'
const handles: Record<string, string> = {
  [aurora]: 'aurora.test',
  [basil]: 'basil.test',
  [hidden]: 'hidden.test',
}
const T = 'fm.plyr.track'
const uri = (did: string, n: number) => `at://${did}/${T}/t${n}` as const
const when = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()

describe(`AppView reads on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [
        ...Array.from({ length: 5 }, (_, n) =>
          put(
            'create',
            aurora,
            T,
            `t${n}`,
            n + 1,
            trackRecord(`Aurora ${n}`, {
              createdAt: when(n),
              tags: n === 0 ? ['Ambient', 'drone'] : [],
            }),
          ),
        ),
        put('create', basil, T, 't0', 1, trackRecord('Basil 0')),
        put('create', hidden, T, 't0', 1, trackRecord('Hidden 0')),
        put('create', basil, 'fm.plyr.like', 'l1', 2, subjectRecord(uri(aurora, 0))),
        put('create', hidden, 'fm.plyr.like', 'l1', 2, subjectRecord(uri(aurora, 0))),
        ...[9000, 1000, 5000, 1000].map((ms, i) =>
          put(
            'create',
            i === 2 ? hidden : basil,
            'fm.plyr.comment',
            `c${i}`,
            3 + i,
            subjectRecord(uri(aurora, 0), { text: `at ${ms}`, timestampMs: ms }),
          ),
        ),
        put('create', aurora, 'fm.plyr.list', 'album', 9, {
          name: 'Harbor Lights',
          listType: 'album',
          items: [3, 1, 99, 2].map((n) => ({
            subject: {
              uri: uri(aurora, n),
              cid: 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
            },
          })),
          createdAt: when(10),
        }),
        put('create', hidden, 'fm.plyr.list', 'mix', 9, { items: [], createdAt: when(10) }),
        del(basil, 'fm.plyr.comment', 'c3', 20),
        { kind: 'account', did: hidden, active: false, status: 'takendown' },
      ],
      async (did) => ({ handle: handles[did] ?? null, displayName: null }),
    )
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const get = (path: string) => app.get(path)

  it('track views carry like and comment counts (counted from rows, across accounts) and tags', async () => {
    const { track } = await app.client.call(fm.plyr.feed.getTrack, { uri: uri(aurora, 0) })
    expect(track).toMatchObject({ likeCount: 2, commentCount: 3, tags: ['ambient', 'drone'] })
  })

  it('getTracks answers in the order asked, once each, leaving out unknown and hidden tracks', async () => {
    const { tracks } = await app.client.call(fm.plyr.feed.getTracks, {
      uris: [uri(aurora, 2), uri(hidden, 0), uri(aurora, 77), uri(basil, 0), uri(aurora, 2)],
    })
    expect(tracks.map((t) => t.title)).toEqual(['Aurora 2', 'Basil 0'])
    const tooMany = Array.from(
      { length: 101 },
      (_, i) => `uris=${encodeURIComponent(uri(aurora, i))}`,
    ).join('&')
    expect((await get(`/xrpc/fm.plyr.feed.getTracks?${tooMany}`)).status).toBe(400)
    expect((await get('/xrpc/fm.plyr.feed.getTracks')).status).toBe(400)
  })

  it('getArtistTracks pages through an artist by handle or DID; unknown and hidden actors are not found', async () => {
    const titles: string[] = []
    let cursor: string | undefined
    do {
      const page = await app.client.call(fm.plyr.feed.getArtistTracks, {
        actor: 'aurora.test',
        limit: 2,
        cursor,
      })
      titles.push(...page.tracks.map((t) => t.title))
      cursor = page.cursor
    } while (cursor)
    expect(titles).toEqual(['Aurora 4', 'Aurora 3', 'Aurora 2', 'Aurora 1', 'Aurora 0'])
    const byDid = await app.client.call(fm.plyr.feed.getArtistTracks, { actor: aurora, limit: 1 })
    expect(byDid.tracks[0]?.title).toBe('Aurora 4')
    for (const actor of ['nobody.test', hidden]) {
      const res = await get(`/xrpc/fm.plyr.feed.getArtistTracks?actor=${actor}`)
      expect(res).toMatchObject({ status: 400, body: { error: 'ActorNotFound' } })
    }
    expect(
      (await get(`/xrpc/fm.plyr.feed.getArtistTracks?actor=${aurora}&cursor=nope`)).status,
    ).toBe(400)
  })

  it("getComments lists a track's comments in playback order, page by page, without hidden authors", async () => {
    const seen: string[] = []
    let cursor: string | undefined
    do {
      const page = await app.client.call(fm.plyr.feed.getComments, {
        uri: uri(aurora, 0),
        limit: 1,
        cursor,
      })
      seen.push(...page.comments.map((c) => `${c.timestampMs}:${c.author.handle}`))
      cursor = page.cursor
    } while (cursor)
    expect(seen).toEqual(['1000:basil.test', '9000:basil.test'])
    const missing = await get(
      `/xrpc/fm.plyr.feed.getComments?uri=${encodeURIComponent(uri(aurora, 77))}`,
    )
    expect(missing).toMatchObject({ status: 400, body: { error: 'TrackNotFound' } })
  })

  it("getList returns an album with its tracks in the record's order, skipping missing ones", async () => {
    const res = await app.client.call(fm.plyr.feed.getList, {
      uri: `at://${aurora}/fm.plyr.list/album`,
    })
    expect(res.list).toMatchObject({
      name: 'Harbor Lights',
      listType: 'album',
      itemCount: 4,
      creator: { handle: 'aurora.test' },
    })
    expect(res.tracks.map((t) => t.title)).toEqual(['Aurora 3', 'Aurora 1', 'Aurora 2'])
    for (const list of [`at://${hidden}/fm.plyr.list/mix`, `at://${aurora}/fm.plyr.list/nope`]) {
      const r = await get(`/xrpc/fm.plyr.feed.getList?uri=${encodeURIComponent(list)}`)
      expect(r).toMatchObject({ status: 400, body: { error: 'ListNotFound' } })
    }
  })
})
