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
const PLAYABLE = [
  'first',
  'listener',
  'crowd',
  'shown',
  'edited',
  'recreated',
  ...Array.from({ length: 13 }, (_, i) => `burst${i}`),
]

describe(`plays reported by players, on ${testDatabaseKind()}`, () => {
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

  let playbacks = 0
  /** A fresh playback id, as a player makes one per playback. */
  const playback = () => `playback-${String(++playbacks).padStart(8, '0')}-${Date.now()}`
  /** A report of a play of one of aurora's tracks, from a client (`headers`). */
  const report = async (
    rkey: string,
    playbackId = playback(),
    headers: Record<string, string> = { 'user-agent': 'listener-a' },
  ) => {
    const res = await fetch(`${app.url}/xrpc/fm.plyr.feed.reportPlay`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ uri: uri(rkey), playbackId }),
    })
    return { status: res.status, body: (await res.json()) as Record<string, unknown> }
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
  /** Moves a track's plays `minutes` into the past. */
  const age = (rkey: string, minutes: number) =>
    app.database.db
      .updateTable('play')
      .set({ played_at: sql`played_at - make_interval(mins => ${minutes})` })
      .where('track_uri', '=', uri(rkey))
      .execute()

  it('a report counts a play once per playback; anonymous plays store no address', async () => {
    expect((await getTrack('first')).playCount).toBe(0)
    const id = playback()
    expect(await report('first', id)).toEqual({ status: 200, body: { counted: true } })
    expect(await report('first', id)).toEqual({ status: 200, body: { counted: false } })
    expect(await plays('first')).toEqual(counted(1))
    const row = await app.database.db
      .selectFrom('play')
      .selectAll()
      .where('track_uri', '=', uri('first'))
      .executeTakeFirstOrThrow()
    expect(row).toMatchObject({ listener_did: null, playback_id: id })
    expect(row.listener_key).toMatch(/^[A-Za-z0-9_-]{43}$/)
    expect(JSON.stringify(row)).not.toMatch(/127\.0\.0\.1|::1|listener-a/)
    expect((await getTrack('first')).playCount).toBe(1)
  })

  it('fetching the audio counts nothing: not a GET from the start, a preload nor a seek', async () => {
    for (const range of [undefined, 'bytes=0-', 'bytes=1000-']) {
      const res = await fetch(`${app.url}/audio/${aurora}/crowd`, {
        headers: range ? { range } : {},
        redirect: 'manual',
      })
      expect(res.status).toBe(307)
    }
    expect(await plays('crowd')).toEqual(counted(0))
  })

  it('a hidden, unknown or malformed subject counts nothing', async () => {
    expect(await report('taken')).toMatchObject({ status: 400, body: { error: 'TrackTakenDown' } })
    expect(await report('unknown')).toMatchObject({ status: 400, body: { error: 'TrackNotFound' } })
    expect(await report('first', 'short')).toMatchObject({
      status: 400,
      body: { error: 'InvalidRequest' },
    })
    expect(await plays('taken')).toEqual(counted(0))
    expect(await plays('first')).toEqual(counted(1))
  })

  it("a listener's replays within 10 minutes are one play, signed in or anonymous", async () => {
    const bearer = async () => ({
      authorization: `Bearer ${await viewer.jwt(appviewDid, 'fm.plyr.feed.reportPlay')}`,
    })
    expect((await report('listener', playback(), await bearer())).body).toEqual({ counted: true })
    expect((await report('listener', playback(), await bearer())).body).toEqual({ counted: false })
    const listened = await app.database.db
      .selectFrom('play')
      .select(['listener_did', 'listener_key'])
      .where('track_uri', '=', uri('listener'))
      .execute()
    expect(listened).toEqual([{ listener_did: viewer.did, listener_key: null }])
    // one anonymous client replays: one play; another client: another play
    expect((await report('listener')).body).toEqual({ counted: true })
    expect((await report('listener')).body).toEqual({ counted: false })
    const other = { 'user-agent': 'listener-b' }
    expect((await report('listener', playback(), other)).body).toEqual({ counted: true })
    expect(await plays('listener')).toEqual(counted(3))
    // eleven minutes later, each one's next play counts
    await age('listener', 11)
    expect((await report('listener', playback(), await bearer())).body).toEqual({ counted: true })
    expect((await report('listener')).body).toEqual({ counted: true })
    expect(await plays('listener')).toEqual(counted(5))
  })

  it('a burst from one client counts 12 plays a minute at most', async () => {
    const client = { 'user-agent': 'a-burst' }
    const answers = []
    for (let i = 0; i < 13; i++) answers.push((await report(`burst${i}`, playback(), client)).body)
    expect(answers.filter((a) => a.counted)).toHaveLength(12)
    expect(answers.at(-1)).toEqual({ counted: false })
    expect(await plays('burst12')).toEqual(counted(0))
    // a minute on, it counts again
    for (let i = 0; i < 12; i++) await age(`burst${i}`, 2)
    expect((await report('burst12', playback(), client)).body).toEqual({ counted: true })
  })

  it('a bad service JWT is refused (401) and counts nothing', async () => {
    const res = await report('shown', playback(), { authorization: 'Bearer not-a-jwt' })
    expect(res).toMatchObject({ status: 401, body: { error: 'BadJwt' } })
    expect(await plays('shown')).toEqual(counted(0))
  })

  it('concurrent reports: each playback counted once, the count equal to the rows', async () => {
    const id = playback()
    const same = await Promise.all(Array.from({ length: 8 }, () => report('crowd', id)))
    expect(same.filter((r) => r.body.counted)).toHaveLength(1)
    const many = await Promise.all(
      Array.from({ length: 10 }, (_, i) => report('crowd', playback(), { 'user-agent': `c${i}` })),
    )
    expect(many.every((r) => r.body.counted)).toBe(true)
    expect(await plays('crowd')).toEqual(counted(11))
  })

  it("a day's salt replaces the last: yesterday's keys lead nowhere", async () => {
    const { db } = app.database
    await db.deleteFrom('play_salt').execute()
    await db
      .insertInto('play_salt')
      .values({ day: sql<string>`current_date - 1`, salt: 'yesterday' })
      .execute()
    expect((await report('shown', playback(), { 'user-agent': 'salted' })).body).toEqual({
      counted: true,
    })
    const salts = await db.selectFrom('play_salt').select('salt').execute()
    expect(salts).toHaveLength(1)
    expect(salts[0]!.salt).not.toBe('yesterday')
  })

  it('track views and the platform stats show the counts', async () => {
    expect((await report('shown', playback(), { 'user-agent': 'another' })).body.counted).toBe(true)
    expect((await getTrack('shown')).playCount).toBe(2)
    const { tracks } = await app.client.call(fm.plyr.feed.getLatestTracks, { limit: 50 })
    const byTitle = Object.fromEntries(tracks.map((t) => [t.title, t.playCount]))
    expect(byTitle).toMatchObject({ shown: 2, first: 1, crowd: 11, Untrusted: 0 })

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
    for (let i = 0; i < 3; i++) await report('edited', playback(), { 'user-agent': `e${i}` })
    expect(await plays('edited')).toEqual(counted(3))
    await app.index([put('update', aurora, T, 'edited', 100, playable('edited', 'Edited again'))])
    const track = await getTrack('edited')
    expect(track).toMatchObject({ title: 'Edited again', playCount: 3 })
    expect(await plays('edited')).toEqual(counted(3))
  })

  it('a deleted track takes its plays along: created again, it starts from zero', async () => {
    await report('recreated')
    expect(await plays('recreated')).toEqual(counted(1))
    await app.index([del(aurora, T, 'recreated', 100)])
    expect(await plays('recreated')).toEqual({ rows: 0, playCount: undefined })
    await app.index([put('create', aurora, T, 'recreated', 101, playable('recreated'))])
    expect(await plays('recreated')).toEqual(counted(0))
    expect((await getTrack('recreated')).playCount).toBe(0)
  })
})
