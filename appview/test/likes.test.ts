import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { testDatabaseKind } from '@plyr/db/testing'
import { del, put, subjectRecord, trackRecord } from '@plyr/indexer/testing'
import { fm } from '@plyr/lexicons'
import { type IndexedAppView, startIndexedAppView } from './indexed-appview.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const hidden = 'did:plc:hidden00000000000000000'
const cleo = 'did:plc:cleo0000000000000000000'
const labeler = 'did:plc:labeler0000000000000000'
const handles: Record<string, string> = {
  [aurora]: 'aurora.test',
  [basil]: 'basil.test',
  [hidden]: 'hidden.test',
  [cleo]: 'cleo.test',
}
const T = 'fm.plyr.track'
const L = 'fm.plyr.like'
const uri = (did: string, n: number) => `at://${did}/${T}/t${n}` as const
const when = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute)).toISOString()

// basil's likes, oldest first: [like rkey, liked track, minute]; several share a minute, so
// the uri tiebreak is exercised
const basilLikes: [string, string, number][] = [
  ['l0', uri(aurora, 0), 1],
  ['l1', uri(aurora, 1), 2],
  ['l2', uri(hidden, 0), 3], // the artist is hidden
  ['l3', uri(aurora, 2), 3],
  ['l4', uri(aurora, 77), 4], // no such track
  ['l5', uri(aurora, 3), 4],
  ['l6', uri(aurora, 4), 4],
  ['l7', uri(aurora, 5), 5], // deleted below
  ['l8', uri(aurora, 6), 6],
  ['l9', uri(aurora, 1), 7], // liked again: listed once, at its newest like
  ['la', uri(aurora, 7), 8], // taken down by a label
]

describe(`getActorLikes on ${testDatabaseKind()}`, () => {
  let app: IndexedAppView
  beforeAll(async () => {
    app = await startIndexedAppView(
      [
        ...Array.from({ length: 8 }, (_, n) =>
          put('create', aurora, T, `t${n}`, n + 1, trackRecord(`Aurora ${n}`)),
        ),
        put('create', hidden, T, 't0', 1, trackRecord('Hidden 0')),
        ...basilLikes.map(([rkey, subject, minute], i) =>
          put(
            'create',
            basil,
            L,
            rkey,
            10 + i,
            subjectRecord(subject, { createdAt: when(minute) }),
          ),
        ),
        put('create', hidden, L, 'l0', 2, subjectRecord(uri(aurora, 0))),
        put('create', cleo, L, 'l0', 2, subjectRecord(uri(aurora, 0))),
        put('create', aurora, L, 'l0', 30, subjectRecord(uri(aurora, 6))),
        del(aurora, T, 't5', 31),
        { kind: 'account', did: hidden, active: false, status: 'takendown' },
      ],
      async (did) => ({ handle: handles[did] ?? null, displayName: null }),
      { ACCEPTED_LABELERS: labeler },
    )
    await app.database.db
      .insertInto('label')
      .values(
        [uri(aurora, 7), cleo].map((subject) => ({
          src: labeler,
          uri: subject,
          val: '!takedown',
          cts: when(30),
        })),
      )
      .execute()
  })
  afterAll(async () => {
    await app?.destroy()
  })
  const get = (path: string) => app.get(path)

  it('lists the tracks an actor liked, newest like first, as full track views', async () => {
    const { tracks, cursor } = await app.client.call(fm.plyr.feed.getActorLikes, {
      actor: 'basil.test',
    })
    // l5 and l6 share a minute: the later like uri comes first
    expect(tracks.map((t) => t.title)).toEqual([
      'Aurora 1',
      'Aurora 6',
      'Aurora 4',
      'Aurora 3',
      'Aurora 2',
      'Aurora 0',
    ])
    expect(cursor).toBeUndefined()
    expect(tracks[1]).toMatchObject({
      uri: uri(aurora, 6),
      artist: { did: aurora, handle: 'aurora.test' },
      likeCount: 2,
      record: { $type: T, title: 'Aurora 6' },
    })
    const byDid = await app.client.call(fm.plyr.feed.getActorLikes, { actor: aurora })
    expect(byDid.tracks.map((t) => t.title)).toEqual(['Aurora 6'])
  })

  it('pages to the end with no duplicates or gaps', async () => {
    for (const limit of [1, 2, 4]) {
      const seen: string[] = []
      let cursor: string | undefined
      let pages = 0
      do {
        const page = await app.client.call(fm.plyr.feed.getActorLikes, {
          actor: basil,
          limit,
          cursor,
        })
        // hidden, missing and repeated likes do not make short pages
        if (page.cursor) expect(page.tracks).toHaveLength(limit)
        else expect(page.tracks.length).toBeLessThanOrEqual(limit)
        seen.push(...page.tracks.map((t) => t.title))
        cursor = page.cursor
        pages++
      } while (cursor && pages < 20)
      expect({ limit, seen }).toEqual({
        limit,
        seen: ['Aurora 1', 'Aurora 6', 'Aurora 4', 'Aurora 3', 'Aurora 2', 'Aurora 0'],
      })
    }
  })

  it('answers a malformed cursor with InvalidRequest, never 500', async () => {
    for (const cursor of ['garbage', '12::nope', '::at://x', 'NaN::at://x']) {
      const res = await get(
        `/xrpc/fm.plyr.feed.getActorLikes?actor=${basil}&cursor=${encodeURIComponent(cursor)}`,
      )
      expect({ cursor, status: res.status, error: res.body.error }).toEqual({
        cursor,
        status: 400,
        error: 'InvalidCursor',
      })
    }
    for (const query of [
      '',
      'actor=basil.test&limit=0',
      'actor=basil.test&limit=101',
      'actor=%20',
    ]) {
      const res = await get(`/xrpc/fm.plyr.feed.getActorLikes?${query}`)
      expect({ query, status: res.status, error: res.body.error }).toEqual({
        query,
        status: 400,
        error: 'InvalidRequest',
      })
    }
  })

  it('answers ActorNotFound for an unknown or inactive actor, ActorTakenDown for a labelled one', async () => {
    for (const actor of ['nobody.test', 'did:plc:nobody0000000000000000', hidden, 'hidden.test']) {
      const res = await get(`/xrpc/fm.plyr.feed.getActorLikes?actor=${actor}`)
      expect({ actor, ...res }).toMatchObject({
        actor,
        status: 400,
        body: { error: 'ActorNotFound' },
      })
    }
    for (const actor of [cleo, 'cleo.test']) {
      const res = await get(`/xrpc/fm.plyr.feed.getActorLikes?actor=${actor}`)
      expect({ actor, ...res }).toMatchObject({
        actor,
        status: 400,
        body: { error: 'ActorTakenDown' },
      })
    }
  })
})
