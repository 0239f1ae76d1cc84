import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { NewLabel } from '@plyr/db'
import { testDatabaseKind } from '@plyr/db/testing'
import { put, subjectRecord, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const labeler = 'did:plc:labeler0000000000000000'
const stranger = 'did:plc:stranger000000000000000'
const T = 'fm.plyr.track'
const uri = (did: string, n: number) => `at://${did}/${T}/t${n}` as const
const when = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()
const label = (subject: string, val: string, extra: Partial<NewLabel> = {}): NewLabel => ({
  src: labeler,
  uri: subject,
  val,
  cts: when(30),
  ...extra,
})

describe(`labels and takedowns on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [
        // aurora t0..t6, newest last; basil t0 (a whole account that gets taken down)
        ...Array.from({ length: 7 }, (_, n) =>
          put(
            'create',
            aurora,
            T,
            `t${n}`,
            n + 1,
            trackRecord(`Aurora ${n}`, { createdAt: when(n) }),
          ),
        ),
        put('create', basil, T, 't0', 1, trackRecord('Basil 0', { createdAt: when(20) })),
        put(
          'create',
          basil,
          'fm.plyr.comment',
          'c0',
          2,
          subjectRecord(uri(aurora, 6), { text: 'hi', timestampMs: 5 }),
        ),
        put('create', aurora, 'fm.plyr.list', 'album', 9, {
          name: 'Album',
          listType: 'album',
          items: [0, 1, 2].map((n) => ({
            subject: {
              uri: uri(aurora, n),
              cid: 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
            },
          })),
          createdAt: when(10),
        }),
      ],
      async () => ({ handle: null, displayName: null }),
      { ACCEPTED_LABELERS: labeler },
    )
    await app.database.db
      .insertInto('label')
      .values([
        label(uri(aurora, 1), '!takedown'),
        label(uri(aurora, 2), 'copyright-violation'),
        // negated, expired, from a labeler nobody accepted: all without effect
        label(uri(aurora, 3), '!takedown', { neg: true }),
        label(uri(aurora, 4), 'copyright-violation', { exp: when(31) }),
        label(uri(aurora, 5), '!takedown', { src: stranger }),
        // a label that informs but does not hide
        label(uri(aurora, 6), 'explicit'),
        label(basil, '!takedown'),
      ])
      .execute()
  })
  afterAll(async () => {
    await app?.destroy()
  })

  const titles = (tracks: { title: string }[]) => tracks.map((t) => t.title)

  it('labelled tracks and taken-down accounts never appear in lists', async () => {
    const { tracks } = await app.client.call(fm.plyr.feed.getLatestTracks, {})
    expect(titles(tracks)).toEqual(['Aurora 6', 'Aurora 5', 'Aurora 4', 'Aurora 3', 'Aurora 0'])
    const artist = await app.client.call(fm.plyr.feed.getArtistTracks, { actor: aurora })
    expect(titles(artist.tracks)).toEqual(titles(tracks))
    const many = await app.client.call(fm.plyr.feed.getTracks, {
      uris: [uri(aurora, 1), uri(aurora, 0), uri(basil, 0), uri(aurora, 2)],
    })
    expect(titles(many.tracks)).toEqual(['Aurora 0'])
    const album = await app.client.call(fm.plyr.feed.getList, {
      uri: `at://${aurora}/fm.plyr.list/album`,
    })
    expect(titles(album.tracks)).toEqual(['Aurora 0'])
  })

  it('a page keeps its size when labelled tracks are skipped', async () => {
    const page = await app.client.call(fm.plyr.feed.getLatestTracks, { limit: 4 })
    expect(titles(page.tracks)).toEqual(['Aurora 6', 'Aurora 5', 'Aurora 4', 'Aurora 3'])
    const next = await app.client.call(fm.plyr.feed.getLatestTracks, {
      limit: 4,
      cursor: page.cursor,
    })
    expect(titles(next.tracks)).toEqual(['Aurora 0'])
    expect(next.cursor).toBeUndefined()
  })

  it('a direct read of a taken-down track or account is a typed error', async () => {
    for (const n of [1, 2]) {
      const res = await app.get(
        `/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri(aurora, n))}`,
      )
      expect(res).toMatchObject({ status: 400, body: { error: 'TrackTakenDown' } })
    }
    const basilTrack = await app.get(
      `/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri(basil, 0))}`,
    )
    expect(basilTrack.body.error).toBe('TrackTakenDown')
    const artist = await app.get(`/xrpc/fm.plyr.feed.getArtistTracks?actor=${basil}`)
    expect(artist).toMatchObject({ status: 400, body: { error: 'ActorTakenDown' } })
    const comments = await app.get(
      `/xrpc/fm.plyr.feed.getComments?uri=${encodeURIComponent(uri(aurora, 1))}`,
    )
    expect(comments.body.error).toBe('TrackTakenDown')
  })

  it('comments by a taken-down account are left out', async () => {
    const { comments } = await app.client.call(fm.plyr.feed.getComments, { uri: uri(aurora, 6) })
    expect(comments).toEqual([])
  })

  it('views carry the labels in force from accepted labelers, and only those', async () => {
    const { track } = await app.client.call(fm.plyr.feed.getTrack, { uri: uri(aurora, 6) })
    expect(track.labels).toEqual([
      { ver: 1, src: labeler, uri: uri(aurora, 6), val: 'explicit', cts: when(30) },
    ])
    for (const n of [3, 4, 5]) {
      const { track: plain } = await app.client.call(fm.plyr.feed.getTrack, { uri: uri(aurora, n) })
      expect(plain.labels).toBeUndefined()
    }
  })

  it('the viewer field is absent for an anonymous caller', async () => {
    const { track } = await app.client.call(fm.plyr.feed.getTrack, { uri: uri(aurora, 0) })
    expect(track.viewer).toBeUndefined()
  })
})
