import { statSync } from 'node:fs'
import { join } from 'node:path'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Labeler } from '../src/labeler.js'
import { LABELER_DID, startLabeler, tempDir } from './start.js'
import { fromJson, Subscriber, verifyLabel, type WireLabel } from './verify.js'

const track = (n: number) => `at://did:plc:artist${n}/fm.plyr.track/3k${n}`
const CID = 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm'

async function queryLabels(labeler: Labeler, params: Record<string, string | string[]>) {
  const url = new URL('/xrpc/com.atproto.label.queryLabels', labeler.url)
  for (const [k, v] of Object.entries(params)) {
    for (const value of [v].flat()) url.searchParams.append(k, value)
  }
  const res = await fetch(url)
  return { status: res.status, body: (await res.json()) as Record<string, unknown> }
}

describe('labeler: signed labels, queryLabels, subscribeLabels', () => {
  let database: TestDatabase
  let dir: Awaited<ReturnType<typeof tempDir>>
  let labeler: Labeler
  const subscribers: Subscriber[] = []
  const subscribe = async (url: string, cursor?: number) => {
    const s = new Subscriber(url, cursor)
    subscribers.push(s)
    await s.opened()
    return s
  }

  beforeAll(async () => {
    database = await openTestDatabase()
    dir = await tempDir()
    labeler = await startLabeler(database.db, dir.path)
  })
  afterAll(async () => {
    for (const s of subscribers) s.close()
    await labeler?.destroy()
    await database?.destroy()
    await dir?.[Symbol.asyncDispose]()
  })

  it('keeps a generated key owner-only and signs every label so a spec verifier accepts it', async () => {
    expect(statSync(join(dir.path, 'labeler-signing-key')).mode & 0o777).toBe(0o600)
    const didKey = labeler.key.did()
    const live = await subscribe(labeler.url)
    await labeler.label([
      { uri: track(1), cid: CID, val: 'copyright-violation' },
      { uri: 'did:plc:artist2', val: '!takedown' },
      { uri: track(3), val: 'copyright-violation', exp: '2000-01-01T00:00:00.000Z' },
    ])
    await labeler.negate([{ uri: 'did:plc:artist2', val: '!takedown' }])

    // live, then the same four replayed from the start
    await live.until(() => live.labels().length === 4)
    const replay = await subscribe(labeler.url, 0)
    await replay.until(() => replay.labels().length === 4)
    for (const s of [live, replay]) {
      const got = s.labels()
      expect(got.map((l) => l.seq)).toEqual([1, 2, 3, 4])
      for (const { label } of got) {
        expect(label.ver).toBe(1)
        expect(label.src).toBe(LABELER_DID)
        expect(label.sig).toHaveLength(64)
        expect(await verifyLabel(didKey, label)).toBe(true)
      }
      expect(got[0]!.label.cid).toBe(CID)
      expect(got[3]!.label).toMatchObject({ uri: 'did:plc:artist2', val: '!takedown', neg: true })
      // neg only when true: absent from the others
      expect('neg' in got[0]!.label).toBe(false)
    }

    // a changed field breaks the signature: the verifier can fail
    const first = live.labels()[0]!.label
    expect(await verifyLabel(didKey, { ...first, neg: false })).toBe(false)
    expect(await verifyLabel(didKey, { ...first, val: 'other' })).toBe(false)

    // queryLabels: the labels in force (the negation replaces the label; the expired one is
    // left out), each verifiable from its JSON form
    const { body } = await queryLabels(labeler, {
      uriPatterns: ['at://did:plc:artist1/*', 'did:plc:artist2', track(3)],
    })
    const labels = (body.labels as Record<string, unknown>[]).map(fromJson)
    expect(labels.map((l) => [l.uri, l.val, l.neg ?? false])).toEqual([
      [track(1), 'copyright-violation', false],
      ['did:plc:artist2', '!takedown', true],
    ])
    for (const label of labels) expect(await verifyLabel(didKey, label)).toBe(true)

    // sources filter, exact patterns, paging by cursor, a malformed pattern refused
    expect(
      (await queryLabels(labeler, { uriPatterns: '*', sources: 'did:plc:other' })).body.labels,
    ).toEqual([])
    const page1 = await queryLabels(labeler, { uriPatterns: '*', limit: '1' })
    expect((page1.body.labels as WireLabel[])[0]!.uri).toBe(track(1))
    const page2 = await queryLabels(labeler, {
      uriPatterns: '*',
      limit: '1',
      cursor: page1.body.cursor as string,
    })
    expect((page2.body.labels as WireLabel[])[0]!.uri).toBe('did:plc:artist2')
    expect((await queryLabels(labeler, { uriPatterns: 'at://*/x' })).status).toBe(400)
  })

  it('with no cursor sends only what comes next', async () => {
    const head = labeler.feed.seq
    const live = await subscribe(labeler.url)
    await labeler.label([{ uri: track(5), val: 'copyright-violation' }])
    await live.until(() => live.labels().length === 1)
    expect(live.labels()[0]!.seq).toBe(head + 1)
  })

  it('replays from a cursor and continues live with no gap and no duplicate', async () => {
    for (let i = 0; i < 6; i++) {
      await labeler.label(
        Array.from({ length: 250 }, (_, j) => ({ uri: track(1000 + i * 250 + j), val: 'spam' })),
      )
    }
    // a second labeler process on the same database, started now: everything so far is
    // behind its recent window, so replay reads pages from the database
    await using second = await startLabeler(database.db, dir.path)
    const from = 3
    const sub = await subscribe(second.url, from)
    // labels keep coming while the replay runs, through both processes
    for (let i = 0; i < 20; i++) {
      await (i % 2 ? labeler : second).label([{ uri: track(5000 + i), val: 'spam' }])
    }
    await second.feed.refresh()
    const head = second.feed.seq
    await sub.until(() => sub.labels().at(-1)?.seq === head)
    const seqs = sub.labels().map((l) => l.seq)
    const stored = await database.db
      .selectFrom('labeler_label')
      .select('seq')
      .where('seq', '>', from)
      .orderBy('seq')
      .execute()
    expect(seqs).toEqual(stored.map((r) => Number(r.seq)))
  })

  it('refuses a cursor ahead of the stream with FutureCursor', async () => {
    const sub = await subscribe(labeler.url, labeler.feed.seq + 1000)
    await sub.until(() => sub.closed !== undefined)
    expect(sub.frames).toHaveLength(1)
    expect(sub.frames[0]!.header.op).toBe(-1)
    expect(sub.frames[0]!.body.error).toBe('FutureCursor')
  })

  it('tells a cursor older than compaction OutdatedCursor, then sends the labels in force', async () => {
    expect(await labeler.store.compact()).toBeGreaterThan(0)
    const sub = await subscribe(labeler.url, 0)
    await sub.until(() => sub.labels().some((l) => l.label.uri === track(5)))
    expect(sub.frames[0]!.header.t).toBe('#info')
    expect(sub.frames[0]!.body.name).toBe('OutdatedCursor')
    // the negated !takedown's original label is gone; its negation remains
    const takedowns = sub.labels().filter((l) => l.label.uri === 'did:plc:artist2')
    expect(takedowns.map((l) => l.label.neg)).toEqual([true])
  })
})
