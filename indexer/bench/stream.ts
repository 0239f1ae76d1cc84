// A deterministic Jetstream-format stream shaped like plyr traffic: artists publishing
// tracks, listeners liking and commenting, albums and playlists, edits and deletes, with
// replays and older versions arriving late.

const NS = 'fm.plyr'
const ALPHABET = '234567abcdefghijklmnopqrstuvwxyz'

/** mulberry32: small, fast, seeded. */
function prng(seed: number) {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

function tid(n: number): string {
  let s = ''
  for (let i = 0; i < 13; i++) {
    s = ALPHABET[n % 32] + s
    n = Math.floor(n / 32)
  }
  return s
}

const CIDS = [
  'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
  'bafyreibwcvcbzxd3px3jjghg4sjmb2zrt4zrnkuy6tvmoavqu4kcoh232m',
  'bafyreig7hqeuf3bovkzjcwa3zqkffqyt53doyycb5xu7wh5jy3cqdr5xbm',
]
const WORDS =
  'night glass harbor static paper satellite tide waltz low coda aurora drift echo ember velvet'.split(
    ' ',
  )
const TAGS = [
  'ambient',
  'techno',
  'house',
  'folk',
  'jazz',
  'drone',
  'lofi',
  'indie',
  'experimental',
  'pop',
]

export type StreamOptions = { events: number; actors: number; seed?: number }

/** Yields `events` Jetstream messages as JSON strings; the last one's time_us is returned. */
export function* generateStream(opts: StreamOptions): Generator<string, number> {
  const rand = prng(opts.seed ?? 42)
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)]!
  const words = (n: number) => Array.from({ length: n }, () => pick(WORDS)).join(' ')
  const dids = Array.from(
    { length: opts.actors },
    (_, i) => `did:plc:bench${String(i).padStart(19, '0')}`,
  )
  const revs = new Map<string, number>()
  const nextRev = (did: string) => {
    const r = (revs.get(did) ?? 1_000_000) + 1
    revs.set(did, r)
    return tid(r)
  }
  const tracks: { uri: string; did: string; rkey: string; title: string }[] = []
  const likes: { did: string; rkey: string }[] = []
  let rkeyCounter = 5_000_000
  let timeUs = 1_700_000_000_000_000
  const sent: string[] = [] // recent messages, for replays
  let count = 0

  const emit = function* (msg: Record<string, unknown>): Generator<string> {
    timeUs += 1 + Math.floor(rand() * 50)
    const text = JSON.stringify({ ...msg, time_us: timeUs })
    sent.push(text)
    if (sent.length > 500) sent.shift()
    count++
    yield text
  }
  const commit = (
    did: string,
    collection: string,
    rkey: string,
    operation: string,
    record?: object,
  ) => ({
    did,
    kind: 'commit',
    commit: {
      rev: nextRev(did),
      operation,
      collection: `${NS}.${collection}`,
      rkey,
      ...(record ? { record: { $type: `${NS}.${collection}`, ...record }, cid: pick(CIDS) } : {}),
    },
  })
  const createdAt = () =>
    new Date(Date.UTC(2025, 0, 1) + Math.floor(rand() * 300 * 86400_000)).toISOString()
  const trackRecord = (title: string) => ({
    title,
    artist: words(2),
    fileType: pick(['mp3', 'flac', 'wav']),
    album: rand() < 0.5 ? words(2) : undefined,
    duration: 60 + Math.floor(rand() * 400),
    description: words(20 + Math.floor(rand() * 120)),
    audioUrl: `https://cdn.plyr.fm/audio/${tid(rkeyCounter)}.mp3`,
    imageUrl: `https://cdn.plyr.fm/images/${tid(rkeyCounter)}.jpg`,
    tags: Array.from({ length: Math.floor(rand() * 4) }, () => pick(TAGS)),
    createdAt: createdAt(),
  })

  while (count < opts.events) {
    const r = rand()
    const did = pick(dids)
    if (r < 0.15 || tracks.length < 50) {
      const rkey = tid(rkeyCounter++)
      const title = words(3)
      tracks.push({ uri: `at://${did}/${NS}.track/${rkey}`, did, rkey, title })
      yield* emit(commit(did, 'track', rkey, 'create', trackRecord(title)))
    } else if (r < 0.2) {
      // an edit; sometimes its older version arrives after it
      const t = pick(tracks)
      const older = commit(t.did, 'track', t.rkey, 'update', trackRecord(`${t.title} (v1)`))
      const newer = commit(t.did, 'track', t.rkey, 'update', trackRecord(`${t.title} (v2)`))
      if (rand() < 0.3) {
        yield* emit(newer)
        yield* emit(older)
      } else {
        yield* emit(older)
        yield* emit(newer)
      }
    } else if (r < 0.62) {
      const t = pick(tracks)
      const rkey = tid(rkeyCounter++)
      likes.push({ did, rkey })
      yield* emit(
        commit(did, 'like', rkey, 'create', {
          subject: { uri: t.uri, cid: pick(CIDS) },
          createdAt: createdAt(),
        }),
      )
    } else if (r < 0.67 && likes.length > 0) {
      const l = likes.splice(Math.floor(rand() * likes.length), 1)[0]!
      yield* emit(commit(l.did, 'like', l.rkey, 'delete'))
    } else if (r < 0.82) {
      const t = pick(tracks)
      yield* emit(
        commit(did, 'comment', tid(rkeyCounter++), 'create', {
          subject: { uri: t.uri, cid: pick(CIDS) },
          text: words(3 + Math.floor(rand() * 30)),
          timestampMs: Math.floor(rand() * 300_000),
          createdAt: createdAt(),
        }),
      )
    } else if (r < 0.87) {
      const items = Array.from({ length: 3 + Math.floor(rand() * 15) }, () => ({
        subject: { uri: pick(tracks).uri, cid: pick(CIDS) },
      }))
      yield* emit(
        commit(did, 'list', tid(rkeyCounter++), 'create', {
          name: words(2),
          listType: pick(['album', 'playlist', 'liked']),
          items,
          createdAt: createdAt(),
        }),
      )
    } else if (r < 0.89) {
      const [t] = tracks.splice(Math.floor(rand() * tracks.length), 1)
      yield* emit(commit(t!.did, 'track', t!.rkey, 'delete'))
    } else if (r < 0.9) {
      // an invalid record: skipped, with its reason kept
      yield* emit(
        commit(did, 'track', tid(rkeyCounter++), 'create', {
          title: '',
          artist: 'x',
          fileType: 'mp3',
          createdAt: createdAt(),
        }),
      )
    } else if (r < 0.92) {
      yield* emit({
        did,
        kind: 'account',
        account: { did, active: rand() < 0.5, status: 'deactivated', seq: count, time: '' },
      })
    } else if (r < 0.97) {
      yield* emit(
        commit(did, 'actor.profile', 'self', 'update', { bio: words(30), createdAt: createdAt() }),
      )
    } else if (sent.length > 0) {
      // a replay of a recent message, as after a reconnect with a rewound cursor
      const replay = JSON.parse(pick(sent)) as Record<string, unknown>
      yield* emit({ ...replay, time_us: undefined })
    }
  }
  return timeUs
}
