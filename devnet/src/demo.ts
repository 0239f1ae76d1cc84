import { forEachConcurrent } from '@plyr/core'
import { PlyrNamespace } from '@plyr/lexicons'
import { type MediaHost, type Piece, renderCover, renderPiece } from './demo-media.js'
import type { DevAccount, DevNetwork } from './network.js'

export type DemoTrack = { uri: string; cid: string; title: string; duration: number }

export type DemoArtist = DevAccount & {
  displayName: string
  tracks: DemoTrack[]
}

export type Demo = {
  artists: DemoArtist[]
  album: { uri: string; name: string }
  playlist: { uri: string; name: string }
}

type TrackSpec = { title: string; tags: string[]; piece: Omit<Piece, 'seconds'>; seconds: number }

const ARTISTS: {
  name: string
  displayName: string
  colors: [string, string]
  album?: string
  tracks: TrackSpec[]
}[] = [
  {
    name: 'aurora',
    displayName: 'Aurora Vale',
    colors: ['0x3b5bdb', '0x99e9f2'],
    album: 'Harbor Lights',
    tracks: [
      {
        title: 'Northern Static',
        tags: ['ambient', 'electronic'],
        piece: { root: 220, notesPerSecond: 4, step: 3, drift: 1 },
        seconds: 28,
      },
      {
        title: 'Glass Harbor',
        tags: ['ambient'],
        piece: { root: 261.63, notesPerSecond: 3, step: 2, drift: 3 },
        seconds: 32,
      },
    ],
  },
  {
    name: 'basil',
    displayName: 'Basil & The Tides',
    colors: ['0x2b8a3e', '0xffd43b'],
    tracks: [
      {
        title: 'Low Tide Waltz',
        tags: ['folk', 'waltz'],
        piece: { root: 196, notesPerSecond: 3, step: 1, drift: 2 },
        seconds: 30,
      },
    ],
  },
  {
    name: 'cleo',
    displayName: 'Cleo Moreau',
    colors: ['0xc2255c', '0xffa94d'],
    tracks: [
      {
        title: 'Paper Satellites',
        tags: ['electronic', 'pop'],
        piece: { root: 293.66, notesPerSecond: 5, step: 4, drift: 1 },
        seconds: 26,
      },
      {
        title: 'Night Bus',
        tags: ['lofi'],
        piece: { root: 174.61, notesPerSecond: 2, step: 3, drift: 2 },
        seconds: 34,
      },
      {
        title: 'Coda',
        tags: ['ambient', 'piano'],
        piece: { root: 329.63, notesPerSecond: 4, step: 2, drift: 4 },
        seconds: 24,
      },
    ],
  },
]

const COMMENTS = ['love the part at', 'this echo at', 'goosebumps at', 'the turn at']

/**
 * Demo artists on the dev network, each with a Bluesky profile (display name), a plyr
 * artist profile and tracks with tags; an album and a playlist; then likes and timed
 * comments across them. With a media host, every track has real audio (a distinct piece
 * rendered by ffmpeg) and cover art served from it, which the AppView must trust
 * (TRUSTED_MEDIA_ORIGINS). Records go into the collections of `namespace`.
 */
export async function seedDemo(
  net: DevNetwork,
  namespace = 'fm.plyr.dev',
  media?: MediaHost,
): Promise<Demo> {
  const ns = new PlyrNamespace(namespace)
  const now = () => new Date().toISOString()
  let album: Demo['album'] | undefined
  // every piece and cover first, two at a time (ffmpeg takes a core each)
  const rendered = new Map<string, { audio: string; cover: string }>()
  if (media) {
    const jobs = ARTISTS.flatMap((spec) =>
      spec.tracks.map((t, i) => async () => {
        rendered.set(`${spec.name}/${i}`, await renderTrack(media, spec.name, i, t, spec.colors))
      }),
    )
    await forEachConcurrent(jobs, 2, (job) => job())
  }
  // the artists' repositories are written side by side, each in its own order
  const artists: DemoArtist[] = await Promise.all(
    ARTISTS.map(async (spec): Promise<DemoArtist> => {
      const account = await net.createAccount(spec.name)
      await account.client.putRecord(
        { $type: 'app.bsky.actor.profile', displayName: spec.displayName },
        'self',
      )
      await account.client.putRecord(
        {
          $type: ns.collection('actor.profile'),
          bio: `${spec.displayName} makes music on the plyr dev network.`,
          createdAt: now(),
        },
        'self',
      )
      const tracks: DemoTrack[] = []
      for (const [i, t] of spec.tracks.entries()) {
        const files = rendered.get(`${spec.name}/${i}`)
        const res = await account.client.createRecord({
          $type: ns.collection('track'),
          title: t.title,
          artist: spec.displayName,
          fileType: 'mp3',
          duration: t.seconds,
          tags: t.tags,
          ...(spec.album ? { album: spec.album } : {}),
          ...(files ? { audioUrl: files.audio, imageUrl: files.cover } : {}),
          createdAt: now(),
        })
        tracks.push({ uri: res.body.uri, cid: res.body.cid, title: t.title, duration: t.seconds })
      }
      if (spec.album) {
        const res = await account.client.createRecord({
          $type: ns.collection('list'),
          name: spec.album,
          listType: 'album',
          items: tracks.map((t) => ({ subject: { uri: t.uri, cid: t.cid } })),
          createdAt: now(),
        })
        album = { uri: res.body.uri, name: spec.album }
      }
      return { ...account, displayName: spec.displayName, tracks }
    }),
  )
  // the last artist's playlist: a track of everyone's
  const curator = artists.at(-1)!
  const picks = artists.map((a) => a.tracks.at(-1)!)
  const playlistName = 'Late Night Picks'
  const listed = await curator.client.createRecord({
    $type: ns.collection('list'),
    name: playlistName,
    listType: 'playlist',
    items: picks.map((t) => ({ subject: { uri: t.uri, cid: t.cid } })),
    createdAt: now(),
  })
  // everyone likes and comments on the next artist's first track, at moments within it
  await Promise.all(
    artists.map(async (artist, i) => {
      const subject = artists[(i + 1) % artists.length]!.tracks[0]!
      await artist.client.createRecord({
        $type: ns.collection('like'),
        subject: { uri: subject.uri, cid: subject.cid },
        createdAt: now(),
      })
      for (const [j, words] of COMMENTS.slice(0, 2).entries()) {
        const seconds = Math.min(subject.duration - 1, 4 + 9 * j + i)
        await artist.client.createRecord({
          $type: ns.collection('comment'),
          subject: { uri: subject.uri, cid: subject.cid },
          text: `${words} 0:${String(seconds).padStart(2, '0')}`,
          timestampMs: seconds * 1000,
          createdAt: now(),
        })
      }
    }),
  )
  return { artists, album: album!, playlist: { uri: listed.body.uri, name: playlistName } }
}

async function renderTrack(
  media: MediaHost,
  artist: string,
  i: number,
  t: TrackSpec,
  colors: [string, string],
): Promise<{ audio: string; cover: string }> {
  const audio = `${artist}-${i}.mp3`
  const cover = `${artist}-${i}.jpg`
  await renderPiece({ ...t.piece, seconds: t.seconds }, media.path(audio))
  // each track's cover turns the artist's gradient a little further
  await renderCover(i % 2 ? colors[1] : colors[0], i % 2 ? colors[0] : colors[1], media.path(cover))
  return { audio: media.fileUrl(audio), cover: media.fileUrl(cover) }
}
