import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { put, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const cleo = 'did:plc:cleo0000000000000000000'
const dara = 'did:plc:dara0000000000000000000'
const gone = 'did:plc:gone0000000000000000000'
const labeler = 'did:plc:labeler0000000000000000'
const pdses: Record<string, string> = {
  [aurora]: 'https://pds.aurora.example',
  [cleo]: 'https://pds.cleo.example',
  [dara]: 'https://pds.dara.example',
  [gone]: 'https://pds.gone.example',
}
const CDN = 'https://cdn.plyr.example'
const T = 'fm.plyr.track'
const PROFILE = 'app.bsky.actor.profile'
const uri = (did: string, rkey: string) => `at://${did}/${T}/${rkey}` as const
/** Blob CIDs (raw codec, as a PDS makes them). */
const BLOBS = [
  'bafkreife55evx3lrkla7pe4upolj2hgs6wjvdo6ijhcf2yllay3jcj7gbi',
  'bafkreiaqsxayoyfm7gjtdopovyemua4fiayeqf3wbn6ex7uvp65m6cwthe',
  'bafkreifcxm5uut646plvo3xhjg5o6o2oouij2xlm5fazqgtr5yvmccog3q',
]
const cid = (n: number) => BLOBS[n]!
const blob = (n: number, mimeType: string) => ({
  $type: 'blob',
  ref: { $link: cid(n) },
  mimeType,
  size: 1000,
})
const blobUrl = (did: string, n: number) =>
  `${pdses[did]}/xrpc/com.atproto.sync.getBlob?did=${encodeURIComponent(did)}&cid=${cid(n)}`

describe(`audio and media URLs on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [
        put('create', aurora, T, 'url', 1, {
          ...trackRecord('Trusted URL'),
          audioUrl: `${CDN}/audio/one.mp3`,
          imageUrl: `${CDN}/art/one.jpg`,
        }),
        put('create', aurora, T, 'blob', 2, {
          ...trackRecord('Blob'),
          audioBlob: blob(1, 'audio/mpeg'),
          imageUrl: 'https://elsewhere.example/art.jpg',
        }),
        put('create', aurora, T, 'both', 3, {
          ...trackRecord('Both'),
          audioUrl: `${CDN}/audio/both.mp3`,
          audioBlob: blob(1, 'audio/mpeg'),
        }),
        put('create', aurora, T, 'untrusted', 4, {
          ...trackRecord('Untrusted URL'),
          audioUrl: 'https://elsewhere.example/a.mp3',
        }),
        put('create', aurora, T, 'taken', 5, {
          ...trackRecord('Taken down'),
          audioUrl: `${CDN}/audio/taken.mp3`,
        }),
        put('create', aurora, PROFILE, 'self', 6, { avatar: blob(2, 'image/png') }),
        // basil's DID document named no usable PDS: blobs have nowhere to go
        put('create', basil, T, 'blob', 1, {
          ...trackRecord('No PDS'),
          audioBlob: blob(1, 'audio/mpeg'),
        }),
        put('create', basil, PROFILE, 'self', 2, { avatar: blob(2, 'image/png') }),
        put('create', basil, 'fm.plyr.actor.profile', 'self', 3, {
          avatar: `${CDN}/avatars/basil.png`,
          createdAt: '2026-01-01T00:00:00.000Z',
        }),
        // an untrusted plyr avatar gives way to the Bluesky one
        put('create', cleo, T, 'blob', 1, {
          ...trackRecord('Cleo'),
          audioBlob: blob(1, 'audio/mpeg'),
        }),
        put('create', cleo, PROFILE, 'self', 2, { avatar: blob(0, 'image/jpeg') }),
        put('create', cleo, 'fm.plyr.actor.profile', 'self', 3, {
          avatar: 'https://elsewhere.example/cleo.png',
          createdAt: '2026-01-01T00:00:00.000Z',
        }),
        put('create', dara, T, 'url', 1, {
          ...trackRecord('Dara'),
          audioUrl: `${CDN}/audio/dara.mp3`,
        }),
        put('create', gone, T, 'url', 1, {
          ...trackRecord('Gone'),
          audioUrl: `${CDN}/audio/gone.mp3`,
        }),
        { kind: 'account', did: gone, active: false, status: 'deactivated' },
      ],
      async (did) => ({
        handle: null,
        displayName: null,
        ...(pdses[did] ? { pds: pdses[did] } : {}),
      }),
      { ACCEPTED_LABELERS: labeler, TRUSTED_MEDIA_ORIGINS: CDN },
    )
    await app.database.db
      .insertInto('label')
      .values([
        { src: labeler, uri: uri(aurora, 'taken'), val: '!takedown', cts: new Date() },
        { src: labeler, uri: dara, val: 'copyright-violation', cts: new Date() },
      ])
      .execute()
  })
  afterAll(async () => {
    await app?.destroy()
  })

  /** GET without following redirects. */
  const request = async (path: string) => {
    const res = await fetch(`${app.url}${path}`, { redirect: 'manual' })
    const type = res.headers.get('content-type') ?? ''
    return {
      status: res.status,
      location: res.headers.get('location'),
      body: type.includes('json') ? ((await res.json()) as Record<string, unknown>) : undefined,
    }
  }
  const audioPath = (did: string, rkey: string) => `/audio/${did}/${rkey}`
  const track = async (did: string, rkey: string) =>
    (await app.client.call(fm.plyr.feed.getTrack, { uri: uri(did, rkey) })).track

  describe('GET /audio/<did>/<rkey>', () => {
    it('redirects (307) to a trusted audioUrl', async () => {
      expect(await request(audioPath(aurora, 'url'))).toMatchObject({
        status: 307,
        location: `${CDN}/audio/one.mp3`,
      })
    })

    it("redirects to the audioBlob on the artist's PDS, which it never contacts", async () => {
      expect(await request(audioPath(aurora, 'blob'))).toMatchObject({
        status: 307,
        location: blobUrl(aurora, 1),
      })
    })

    it('prefers the trusted audioUrl when a track has both', async () => {
      expect((await request(audioPath(aurora, 'both'))).location).toBe(`${CDN}/audio/both.mp3`)
    })

    it('answers 404 when the only audio is an untrusted URL, or a blob with no known PDS', async () => {
      for (const [did, rkey] of [
        [aurora, 'untrusted'],
        [basil, 'blob'],
      ] as const) {
        expect(await request(audioPath(did, rkey))).toMatchObject({
          status: 404,
          location: null,
          body: { error: 'AudioNotFound' },
        })
      }
    })

    it('answers 404 for unknown tracks and for tracks of inactive accounts', async () => {
      for (const path of [audioPath(aurora, 'nope'), audioPath(gone, 'url')]) {
        expect(await request(path)).toMatchObject({
          status: 404,
          body: { error: 'TrackNotFound' },
        })
      }
    })

    it('answers 451 for a track or an artist taken down by an accepted label', async () => {
      for (const path of [audioPath(aurora, 'taken'), audioPath(dara, 'url')]) {
        expect(await request(path)).toMatchObject({
          status: 451,
          location: null,
          body: { error: 'TrackTakenDown' },
        })
      }
    })

    it('answers 400 for a malformed identifier', async () => {
      for (const path of [
        '/audio',
        '/audio/',
        `/audio/${aurora}`,
        `/audio/${aurora}/url/extra`,
        '/audio/not-a-did/url',
        `/audio/${aurora}/..`,
        `/audio/${aurora}/%E0%A4%A`,
        `/audio/${aurora}/a%2Fb`,
      ]) {
        expect(await request(path), path).toMatchObject({
          status: 400,
          body: { error: 'InvalidRequest' },
        })
      }
    })

    it('accepts the DID percent-encoded, as a link may carry it', async () => {
      expect((await request(`/audio/${encodeURIComponent(aurora)}/url`)).location).toBe(
        `${CDN}/audio/one.mp3`,
      )
    })
  })

  describe('track views', () => {
    it("carry this AppView's /audio link when the track has audio plyr can serve", async () => {
      for (const rkey of ['url', 'blob', 'both']) {
        expect((await track(aurora, rkey)).audioUrl).toBe(`${app.url}${audioPath(aurora, rkey)}`)
      }
      expect((await track(aurora, 'untrusted')).audioUrl).toBeUndefined()
      expect((await track(basil, 'blob')).audioUrl).toBeUndefined()
      expect((await track(cleo, 'blob')).audioUrl).toBe(`${app.url}${audioPath(cleo, 'blob')}`)
    })

    it('the audio link a view carries is the one /audio answers', async () => {
      const res = await fetch((await track(aurora, 'blob')).audioUrl!, { redirect: 'manual' })
      expect(res.status).toBe(307)
      expect(res.headers.get('location')).toBe(blobUrl(aurora, 1))
    })

    it('carry a trusted imageUrl, and leave an untrusted one out', async () => {
      expect((await track(aurora, 'url')).imageUrl).toBe(`${CDN}/art/one.jpg`)
      expect((await track(aurora, 'blob')).imageUrl).toBeUndefined()
    })

    it("give the artist the trusted plyr avatar, else the Bluesky avatar blob on the artist's PDS", async () => {
      expect((await track(aurora, 'url')).artist.avatar).toBe(blobUrl(aurora, 2))
      expect((await track(basil, 'blob')).artist.avatar).toBe(`${CDN}/avatars/basil.png`)
      expect((await track(cleo, 'blob')).artist.avatar).toBe(blobUrl(cleo, 0))
    })

    it('in lists too', async () => {
      const { tracks } = await app.client.call(fm.plyr.feed.getArtistTracks, { actor: aurora })
      expect(Object.fromEntries(tracks.map((t) => [t.title, t.audioUrl]))).toEqual({
        'Trusted URL': `${app.url}${audioPath(aurora, 'url')}`,
        Blob: `${app.url}${audioPath(aurora, 'blob')}`,
        Both: `${app.url}${audioPath(aurora, 'both')}`,
        'Untrusted URL': undefined,
      })
      expect(tracks.every((t) => t.artist.avatar === blobUrl(aurora, 2))).toBe(true)
    })
  })
})

describe(`links under PUBLIC_URL on ${testDatabaseKind()}`, () => {
  it('track views link to /audio on the public URL, not the address the server listens on', async () => {
    const app = await startIndexedAppView(
      [put('create', aurora, T, 'url', 1, { ...trackRecord('One'), audioUrl: `${CDN}/a.mp3` })],
      async () => ({ handle: null, displayName: null }),
      { TRUSTED_MEDIA_ORIGINS: CDN, PUBLIC_URL: 'https://plyr.example/' },
    )
    try {
      const { track } = await app.client.call(fm.plyr.feed.getTrack, { uri: uri(aurora, 'url') })
      expect(track.audioUrl).toBe(`https://plyr.example/audio/${aurora}/url`)
    } finally {
      await app.destroy()
    }
  })
})

describe(`plain routes when the database fails, on ${testDatabaseKind()}`, () => {
  it('answer a bare JSON 500 that leaks nothing', async () => {
    const app = await startIndexedAppView(
      [put('create', aurora, T, 'url', 1, { ...trackRecord('One'), audioUrl: `${CDN}/a.mp3` })],
      async () => ({ handle: null, displayName: null }),
      { TRUSTED_MEDIA_ORIGINS: CDN },
    )
    try {
      await sql`alter table track rename to track_elsewhere`.execute(app.database.db)
      for (const path of [
        `/audio/${aurora}/url`,
        `/oembed?url=${encodeURIComponent(`${app.url}/track/${aurora}/url`)}`,
      ]) {
        const res = await fetch(`${app.url}${path}`, { redirect: 'manual' })
        expect(res.status, path).toBe(500)
        expect(await res.json()).toEqual({
          error: 'InternalServerError',
          message: 'Internal Server Error',
        })
      }
    } finally {
      await app.destroy()
    }
  })
})
