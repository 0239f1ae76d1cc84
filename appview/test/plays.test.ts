import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind, trackCounts } from '@plyr/db/testing'
import { del, put, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type DidWebViewer, startDidWebViewer } from './did-web-viewer.js'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const labeler = 'did:plc:labeler0000000000000000'
const CDN = 'https://cdn.plyr.example'
const T = 'fm.plyr.track'
const uri = (rkey: string) => `at://${aurora}/${T}/${rkey}` as const
const playable = (rkey: string, title = rkey) =>
  trackRecord(title, { audioUrl: `${CDN}/audio/${rkey}.mp3`, duration: 100 })
/** Each test plays its own tracks, so no test sees another's plays. */
const PLAYABLE = ['first', 'ranges', 'listener', 'crowd', 'shown', 'edited', 'recreated']

describe(`plays counted at /audio, on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  let viewer: DidWebViewer
  let appviewDid: string

  beforeAll(async () => {
    viewer = await startDidWebViewer()
    app = await startIndexedAppView(
      [
        ...PLAYABLE.map((rkey, i) => put('create', aurora, T, rkey, i + 1, playable(rkey))),
        put('create', aurora, T, 'untrusted', 20, {
          ...trackRecord('Untrusted'),
          audioUrl: 'https://elsewhere.example/a.mp3',
        }),
        put('create', aurora, T, 'taken', 21, playable('taken')),
      ],
      async () => ({ handle: 'aurora.test', displayName: null }),
      {
        TRUSTED_MEDIA_ORIGINS: CDN,
        ACCEPTED_LABELERS: labeler,
        IDENTITY_ALLOW_PRIVATE_NETWORK: 'true',
      },
    )
    appviewDid = `did:web:${new URL(app.url).host.replace(':', '%3A')}`
    await app.database.db
      .insertInto('label')
      .values({ src: labeler, uri: uri('taken'), val: '!takedown', cts: new Date() })
      .execute()
  })
  afterAll(async () => {
    await app?.destroy()
    await viewer?.close()
  })

  /** GET (or `method`) /audio of one of aurora's tracks, without following the redirect. */
  const audio = async (rkey: string, headers: Record<string, string> = {}, method = 'GET') => {
    const res = await fetch(`${app.url}/audio/${aurora}/${rkey}`, {
      method,
      headers,
      redirect: 'manual',
    })
    return { status: res.status, body: res.status === 307 ? undefined : await res.text() }
  }
  /** A track's play rows and its stored play_count, which must always agree. */
  const plays = async (rkey: string) => {
    const { db } = app.database
    const rows = await db
      .selectFrom('play')
      .select(sql<number>`count(*)::int`.as('n'))
      .where('track_uri', '=', uri(rkey))
      .executeTakeFirstOrThrow()
    const track = await trackCounts(db, uri(rkey))
    return { rows: rows.n, playCount: track?.play_count }
  }
  const counted = (n: number) => ({ rows: n, playCount: n })
  const getTrack = async (rkey: string) =>
    (await app.client.call(fm.plyr.feed.getTrack, { uri: uri(rkey) })).track

  it('a 307 counts a play, with no listener when the request is anonymous', async () => {
    expect(await plays('first')).toEqual(counted(0))
    expect((await getTrack('first')).playCount).toBe(0)
    expect((await audio('first')).status).toBe(307)
    expect(await plays('first')).toEqual(counted(1))
    const row = await app.database.db
      .selectFrom('play')
      .selectAll()
      .where('track_uri', '=', uri('first'))
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ listener_did: null })
    expect(Object.keys(row).sort()).toEqual(['id', 'listener_did', 'played_at', 'track_uri'])
    expect((await getTrack('first')).playCount).toBe(1)
  })

  it('a 404 or a 451 counts nothing', async () => {
    expect((await audio('untrusted')).status).toBe(404)
    expect((await audio('taken')).status).toBe(451)
    expect((await audio('unknown')).status).toBe(404)
    expect(await plays('untrusted')).toEqual(counted(0))
    expect(await plays('taken')).toEqual(counted(0))
    expect(await plays('unknown')).toEqual({ rows: 0, playCount: undefined })
  })

  it('only a request that starts playback counts: no HEAD, no range past byte 0, no probe', async () => {
    const notCounted: [Record<string, string>, string][] = [
      [{ range: 'bytes=1000-' }, 'GET'], // a seek
      [{ range: 'bytes=500000-999999' }, 'GET'], // the player fetching the rest
      [{ range: 'bytes=-500' }, 'GET'], // the end of the file
      [{ range: 'bytes=0-1' }, 'GET'], // Safari's probe before it plays
      [{ range: 'items=0-' }, 'GET'], // not a byte range
      [{}, 'HEAD'],
    ]
    for (const [headers, method] of notCounted) {
      expect((await audio('ranges', headers, method)).status, JSON.stringify(headers)).toBe(307)
    }
    expect(await plays('ranges')).toEqual(counted(0))
    const starts: Record<string, string>[] = [{}, { range: 'bytes=0-' }, { range: 'bytes=0-99999' }]
    for (const headers of starts) {
      expect((await audio('ranges', headers)).status).toBe(307)
    }
    expect(await plays('ranges')).toEqual(counted(3))
  })

  it("a signed-in listener's replays within 10 minutes are one play; anonymous ones all count", async () => {
    const bearer = async (lxm?: string) => ({
      authorization: `Bearer ${await viewer.jwt(appviewDid, lxm)}`,
    })
    expect((await audio('listener', await bearer())).status).toBe(307)
    // a reload, with a JWT naming a method (any lxm serves this route)
    expect((await audio('listener', await bearer('fm.plyr.feed.getTrack'))).status).toBe(307)
    expect(await plays('listener')).toEqual(counted(1))
    const listened = await app.database.db
      .selectFrom('play')
      .select('listener_did')
      .where('track_uri', '=', uri('listener'))
      .execute()
    expect(listened).toEqual([{ listener_did: viewer.did }])

    for (let i = 0; i < 2; i++) expect((await audio('listener')).status).toBe(307)
    expect(await plays('listener')).toEqual(counted(3))

    // eleven minutes later, the listener's next play counts
    await app.database.db
      .updateTable('play')
      .set({ played_at: sql`played_at - interval '11 minutes'` })
      .where('track_uri', '=', uri('listener'))
      .execute()
    expect((await audio('listener', await bearer())).status).toBe(307)
    expect(await plays('listener')).toEqual(counted(4))
  })

  it('a bad service JWT is refused (401) and counts nothing', async () => {
    const res = await audio('listener', { authorization: 'Bearer not-a-jwt' })
    expect(res.status).toBe(401)
    expect(JSON.parse(res.body!)).toMatchObject({ error: 'BadJwt' })
    const wrongAudience = await viewer.jwt('did:web:elsewhere.example')
    const refused = await audio('listener', { authorization: `Bearer ${wrongAudience}` })
    expect(JSON.parse(refused.body!)).toMatchObject({ error: 'BadJwtAudience' })
    expect(await plays('listener')).toEqual(counted(4))
  })

  it('concurrent plays are each counted once, and the count stays equal to the rows', async () => {
    const statuses = await Promise.all(Array.from({ length: 20 }, () => audio('crowd')))
    expect(statuses.every((s) => s.status === 307)).toBe(true)
    expect(await plays('crowd')).toEqual(counted(20))
    const authorization = `Bearer ${await viewer.jwt(appviewDid)}`
    await Promise.all(Array.from({ length: 8 }, () => audio('crowd', { authorization })))
    expect(await plays('crowd')).toEqual(counted(21))
  })

  it('track views and the platform stats show the counts', async () => {
    for (let i = 0; i < 2; i++) await audio('shown')
    expect((await getTrack('shown')).playCount).toBe(2)
    const { tracks } = await app.client.call(fm.plyr.feed.getLatestTracks, { limit: 50 })
    const byTitle = Object.fromEntries(tracks.map((t) => [t.title, t.playCount]))
    expect(byTitle).toMatchObject({ shown: 2, first: 1, ranges: 3, crowd: 21, Untrusted: 0 })

    const stats = await app.client.call(fm.plyr.stats.getPlatformStats, {})
    const rows = await app.database.db
      .selectFrom('play')
      .select(sql<number>`count(*)::int`.as('n'))
      .executeTakeFirstOrThrow()
    expect(stats.playCount).toBe(rows.n)
    expect(stats.playCount).toBe(tracks.reduce((sum, t) => sum + t.playCount, 0))
  })

  it('the plays of a taken-down track leave the platform total', async () => {
    const before = await app.client.call(fm.plyr.stats.getPlatformStats, {})
    await app.database.db
      .insertInto('label')
      .values({ src: labeler, uri: uri('shown'), val: '!takedown', cts: new Date() })
      .execute()
    try {
      const after = await app.client.call(fm.plyr.stats.getPlatformStats, {})
      expect(after.playCount).toBe(before.playCount - 2)
    } finally {
      await app.database.db.deleteFrom('label').where('uri', '=', uri('shown')).execute()
    }
  })

  it('a track record update keeps the play count', async () => {
    for (let i = 0; i < 3; i++) await audio('edited')
    expect(await plays('edited')).toEqual(counted(3))
    await app.index([put('update', aurora, T, 'edited', 100, playable('edited', 'Edited again'))])
    const track = await getTrack('edited')
    expect(track).toMatchObject({ title: 'Edited again', playCount: 3 })
    expect(await plays('edited')).toEqual(counted(3))
  })

  it('a deleted track takes its plays along: created again, it starts from zero', async () => {
    await audio('recreated')
    expect(await plays('recreated')).toEqual(counted(1))
    await app.index([del(aurora, T, 'recreated', 100)])
    expect(await plays('recreated')).toEqual({ rows: 0, playCount: undefined })
    await app.index([put('create', aurora, T, 'recreated', 101, playable('recreated'))])
    expect(await plays('recreated')).toEqual(counted(0))
    expect((await getTrack('recreated')).playCount).toBe(0)
  })

  it('a play that cannot be written still gets its redirect', async () => {
    const { db } = app.database
    await sql`alter table play rename to play_elsewhere`.execute(db)
    try {
      expect((await audio('first')).status).toBe(307)
    } finally {
      await sql`alter table play_elsewhere rename to play`.execute(db)
    }
    expect(await plays('first')).toEqual(counted(1))
  })
})
