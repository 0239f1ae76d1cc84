import type { NewLabel } from '@plyr/db'
import type { IndexEvent } from '@plyr/indexer'
import { put, subjectRecord, trackRecord } from '@plyr/indexer/testing'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

/**
 * A small catalogue for the list, profile and stats tests: two visible artists, two
 * listeners, an account the network took down, an account and records an accepted
 * labeler hid, likes spread over time (relative to when the suite starts), tags and lists.
 */
export const did = {
  aurora: 'did:plc:aurora00000000000000000',
  basil: 'did:plc:basil000000000000000000',
  cedar: 'did:plc:cedar000000000000000000',
  dune: 'did:plc:dune0000000000000000000',
  /** Taken down by its PDS (account status). */
  hidden: 'did:plc:hidden00000000000000000',
  /** Taken down by an accepted labeler (label on the DID). */
  mallory: 'did:plc:mallory0000000000000000',
} as const
export const labeler = 'did:plc:labeler0000000000000000'
const handles: Record<string, string> = Object.fromEntries(
  Object.entries(did).map(([name, d]) => [d, `${name}.test`]),
)
const displayNames: Record<string, string> = { [did.aurora]: 'Aurora Vale' }

const T = 'fm.plyr.track'
const L = 'fm.plyr.list'
export const trackUri = (d: string, n: number) => `at://${d}/${T}/t${n}` as const
export const listUri = (d: string, rkey: string) => `at://${d}/${L}/${rkey}` as const
export const likeUri = (d: string, rkey: string) => `at://${d}/fm.plyr.like/${rkey}` as const
const when = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR

/** Aurora's tracks: tags and durations; t6 is labelled !takedown. */
const auroraTracks: { tags: string[]; duration?: number }[] = [
  { tags: ['Ambient', 'drone'], duration: 100 },
  { tags: ['ambient'], duration: 110 },
  { tags: ['ambient', 'techno'], duration: 120 },
  { tags: ['techno'], duration: 130 },
  { tags: [' AMBIENT '], duration: 140 },
  { tags: [] },
  { tags: ['ambient', 'banned'], duration: 1000 },
]

function catalogEvents(now: number): IndexEvent[] {
  let rev = 100
  const like = (liker: string, rkey: string, subject: string, agoMs: number) =>
    put(
      'create',
      liker,
      'fm.plyr.like',
      rkey,
      rev++,
      subjectRecord(subject, { createdAt: new Date(now - agoMs).toISOString() }),
    )
  const list = (owner: string, rkey: string, name: string, listType: string | null, m: number) =>
    put('create', owner, L, rkey, rev++, {
      name,
      ...(listType ? { listType } : {}),
      items: [0, 1].map((n) => ({
        subject: {
          uri: trackUri(did.aurora, n),
          cid: 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
        },
      })),
      createdAt: when(m),
    })
  return [
    ...auroraTracks.map(({ tags, duration }, n) =>
      put(
        'create',
        did.aurora,
        T,
        `t${n}`,
        n + 1,
        trackRecord(`Aurora ${n}`, {
          createdAt: when(n),
          tags,
          ...(duration ? { duration } : {}),
        }),
      ),
    ),
    put(
      'create',
      did.basil,
      T,
      't0',
      1,
      trackRecord('Basil 0', { createdAt: when(20), tags: ['ambient', 'jazz'], duration: 200 }),
    ),
    put(
      'create',
      did.hidden,
      T,
      't0',
      1,
      trackRecord('Hidden 0', { createdAt: when(21), tags: ['ambient', 'secret'], duration: 900 }),
    ),
    put(
      'create',
      did.mallory,
      T,
      't0',
      1,
      trackRecord('Mallory 0', { createdAt: when(22), tags: ['ambient'], duration: 800 }),
    ),
    put('create', did.basil, 'fm.plyr.actor.profile', 'self', 1, {
      bio: 'Basil plays jazz.',
      createdAt: when(0),
    }),
    // Aurora 0: six likers within the day (cedar twice); aurora's own like is labelled
    like(did.dune, 'l0', trackUri(did.aurora, 0), 5 * 60_000),
    like(did.hidden, 'l0', trackUri(did.aurora, 0), 10 * 60_000),
    like(did.mallory, 'l0', trackUri(did.aurora, 0), 20 * 60_000),
    like(did.cedar, 'l0', trackUri(did.aurora, 0), 30 * 60_000),
    like(did.aurora, 'l0', trackUri(did.aurora, 0), 45 * 60_000),
    like(did.basil, 'l0', trackUri(did.aurora, 0), 60 * 60_000),
    like(did.cedar, 'l0b', trackUri(did.aurora, 0), 90 * 60_000),
    // Aurora 1: two likes this week, one older
    like(did.basil, 'l1', trackUri(did.aurora, 1), 3 * DAY),
    like(did.cedar, 'l1', trackUri(did.aurora, 1), 3 * DAY),
    like(did.aurora, 'l1', trackUri(did.aurora, 1), 40 * DAY),
    // Aurora 2: one this month; Aurora 3: three long ago; Aurora 4: one dated in the future
    like(did.cedar, 'l2', trackUri(did.aurora, 2), 20 * DAY),
    like(did.basil, 'l3', trackUri(did.aurora, 3), 100 * DAY),
    like(did.cedar, 'l3', trackUri(did.aurora, 3), 100 * DAY),
    like(did.aurora, 'l3', trackUri(did.aurora, 3), 100 * DAY),
    like(did.cedar, 'l4', trackUri(did.aurora, 4), -2 * DAY),
    // Basil 0: one today
    like(did.aurora, 'lb', trackUri(did.basil, 0), 2 * HOUR),
    // hidden tracks, liked a lot
    ...[did.basil, did.cedar, did.dune].flatMap((liker) => [
      like(liker, 'lx6', trackUri(did.aurora, 6), HOUR),
      like(liker, 'lxh', trackUri(did.hidden, 0), HOUR),
      like(liker, 'lxm', trackUri(did.mallory, 0), HOUR),
    ]),
    list(did.aurora, 'album1', 'First Light', 'album', 10),
    list(did.aurora, 'mix1', 'Night Drive', 'playlist', 11),
    list(did.aurora, 'album2', 'Second Wind', 'album', 12),
    list(did.aurora, 'liked', 'Liked', 'liked', 13),
    list(did.aurora, 'album3', 'Banned Album', 'album', 14),
    list(did.aurora, 'untyped', 'Loose', null, 15),
    list(did.dune, 'mix', 'Dune Mix', 'playlist', 16),
    { kind: 'account', did: did.hidden, active: false, status: 'takendown' },
  ]
}

const label = (subject: string, val: string): NewLabel => ({
  src: labeler,
  uri: subject,
  val,
  cts: when(30),
})

const catalogLabels: NewLabel[] = [
  label(trackUri(did.aurora, 6), '!takedown'),
  label(did.mallory, '!takedown'),
  label(listUri(did.aurora, 'album3'), 'copyright-violation'),
  label(likeUri(did.aurora, 'l0'), '!takedown'),
  // informs, does not hide
  label(did.basil, 'verified-artist'),
]

/** An AppView holding the catalogue, its likes dated relative to now. */
export async function startCatalog(): Promise<IndexedAppView> {
  const app = await startIndexedAppView(
    catalogEvents(Date.now()),
    async (d) => ({ handle: handles[d] ?? null, displayName: displayNames[d] ?? null }),
    { ACCEPTED_LABELERS: labeler },
  )
  await app.database.db.insertInto('label').values(catalogLabels).execute()
  return app
}

/** Every page of a list, following cursors to the end (at most 50 pages). */
export async function allPages<T>(
  page: (cursor?: string) => Promise<{ cursor?: string; items: T[] }>,
): Promise<{ items: T[]; pages: number }> {
  const items: T[] = []
  let cursor: string | undefined
  let pages = 0
  do {
    const res = await page(cursor)
    items.push(...res.items)
    cursor = res.cursor
    pages++
  } while (cursor && pages < 50)
  return { items, pages }
}
