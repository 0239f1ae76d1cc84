import { DeleteQueryNode, type KyselyPlugin, sql } from 'kysely'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PlyrNamespace } from '@plyr/lexicons'
import {
  openTestDatabase,
  testDatabaseKind,
  type TestDatabase,
  trackCounts,
} from '@plyr/db/testing'
import { commentRecord, del, put, subjectRecord, trackRecord } from '../test/events.js'
import type { IndexEvent } from './events.js'
import { createPlugins } from './plugins/index.js'
import { splitIntoLanes } from './lanes.js'
import { IdentityResolver } from './identity-resolver.js'
import { Processor, type ProcessorOptions } from './processor.js'
import { loadCursor } from './store/cursors.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const T = 'fm.plyr.track'
const trackUri = `at://${aurora}/${T}/t1`
/** Fails the statement that takes the recount queue, as a crash at that point would. */
const failingRecount: KyselyPlugin = {
  transformQuery({ node }) {
    if (DeleteQueryNode.is(node) && JSON.stringify(node.from).includes('"track_recount"'))
      throw new Error('recount cut short')
    return node
  },
  transformResult: async ({ result }) => result,
}

const createTrack = (revision: number, title = 'Northern Static', extra = {}) =>
  put('create', aurora, T, 't1', revision, trackRecord(title, extra))

describe(`processor on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  let options: ProcessorOptions
  let processor: Processor
  let identities: IdentityResolver
  let lookups: string[]
  let resolvedHandles: Record<string, string | null>
  let resolvedPds: Record<string, string>
  beforeEach(async () => {
    database = await openTestDatabase()
    lookups = []
    resolvedHandles = { [aurora]: 'aurora.test', [basil]: 'basil.test' }
    resolvedPds = { [aurora]: 'https://pds.one.example' }
    options = {
      db: database.db,
      plugins: createPlugins(new PlyrNamespace('fm.plyr'), {
        trustedMediaOrigins: new Set(['https://cdn.plyr.fm']),
      }),
      writers: 2,
      logger: pino({ level: 'silent' }),
    }
    processor = new Processor(options)
    identities = new IdentityResolver({
      db: database.db,
      lookup: async (did: string) => {
        lookups.push(did)
        const pds = resolvedPds[did]
        return { handle: resolvedHandles[did] ?? null, displayName: null, ...(pds ? { pds } : {}) }
      },
      logger: pino({ level: 'silent' }),
    })
  })
  afterEach(async () => {
    await database.destroy()
  })

  const db = () => database.db
  /** Applies events, then resolves the identities they queued (the background's work). */
  const apply = async (...events: IndexEvent[]) => {
    const outcomes = await processor.apply(events)
    await identities.drain()
    return outcomes
  }
  const tracks = () => db().selectFrom('track').selectAll().orderBy('uri').execute()
  const counts = async (uri = trackUri) => {
    const found = await trackCounts(db(), uri)
    return found && { like_count: found.like_count, comment_count: found.comment_count }
  }

  it('indexes a new track with its raw record and its artist, looked up once', async () => {
    expect(await apply(createTrack(1))).toEqual(['applied'])
    await apply(put('update', aurora, T, 't1', 2, trackRecord('Northern Static (edit)')))
    expect(await tracks()).toEqual([
      expect.objectContaining({ uri: trackUri, did: aurora, title: 'Northern Static (edit)' }),
    ])
    const actor = await db().selectFrom('actor').selectAll().executeTakeFirstOrThrow()
    expect(actor).toMatchObject({
      did: aurora,
      handle: 'aurora.test',
      status: 'active',
      identity_due_at: null,
    })
    expect(lookups).toEqual([aurora])
    const record = await db().selectFrom('record').selectAll().executeTakeFirstOrThrow()
    expect(record).toMatchObject({
      uri: trackUri,
      rev: '3k00000000002',
      json: { title: 'Northern Static (edit)' },
    })
  })

  it('a replayed create changes nothing', async () => {
    await apply(createTrack(1))
    const before = await tracks()
    expect(await apply(createTrack(1))).toEqual(['ignored'])
    expect(await tracks()).toEqual(before)
  })

  it('applies an update only if its rev is newer; an older version arriving later is ignored', async () => {
    await apply(createTrack(1, 'v1'))
    await apply(put('update', aurora, T, 't1', 3, trackRecord('v3')))
    expect(await apply(put('update', aurora, T, 't1', 2, trackRecord('v2')))).toEqual(['ignored'])
    expect((await tracks())[0]?.title).toBe('v3')
  })

  it('within one batch, the newest version of each record wins whatever the order', async () => {
    const out = await apply(
      put('update', aurora, T, 't1', 3, trackRecord('v3')),
      createTrack(1, 'v1'),
      put('update', aurora, T, 't1', 2, trackRecord('v2')),
    )
    expect(out).toEqual(['applied', 'ignored', 'ignored'])
    expect((await tracks()).map((t) => t.title)).toEqual(['v3'])
  })

  it('a delete that arrives before its create leaves a tombstone: the late create stays out', async () => {
    expect(await apply(del(aurora, T, 't1', 2))).toEqual(['applied'])
    expect(await apply(createTrack(1))).toEqual(['ignored'])
    expect(await tracks()).toEqual([])
    const tomb = await db().selectFrom('record').selectAll().executeTakeFirstOrThrow()
    expect(tomb).toMatchObject({ uri: trackUri, rev: '3k00000000002', cid: null, json: null })
    expect(tomb.deleted_at).toBeInstanceOf(Date)
    // a newer write of the same record key is a new record, and comes in
    expect(await apply(createTrack(3, 'again'))).toEqual(['applied'])
    expect((await tracks()).map((t) => t.title)).toEqual(['again'])
  })

  it('a delete of a stored record removes its rows; a replayed old delete does not touch a newer write', async () => {
    await apply(createTrack(1))
    await apply(del(aurora, T, 't1', 2))
    expect(await tracks()).toEqual([])
    // the record's row is its tombstone now
    expect(await db().selectFrom('record').select(['cid', 'json']).execute()).toEqual([
      { cid: null, json: null },
    ])
    await apply(createTrack(3, 'back'))
    expect(await apply(del(aurora, T, 't1', 2))).toEqual(['ignored'])
    expect((await tracks()).map((t) => t.title)).toEqual(['back'])
  })

  it('a like or comment whose track arrives later counts once the track exists', async () => {
    await apply(
      put('create', basil, 'fm.plyr.like', 'l1', 1, subjectRecord(trackUri)),
      put('create', basil, 'fm.plyr.comment', 'c1', 2, commentRecord(trackUri, 'wow', 1500)),
    )
    expect(await counts()).toBeUndefined()
    await apply(createTrack(1))
    expect(await counts()).toEqual({ like_count: 1, comment_count: 1 })
  })

  it('counts a like and a comment in the batch that brings their track, written by another lane', async () => {
    // aurora's and basil's events are written by different lanes (transactions) of a batch
    const lanes = splitIntoLanes([aurora, basil], 2, (did) => did)
    expect(lanes).toHaveLength(2)
    await apply(
      put('create', basil, 'fm.plyr.like', 'l1', 1, subjectRecord(trackUri)),
      createTrack(2),
      put('create', basil, 'fm.plyr.comment', 'c1', 3, commentRecord(trackUri, 'a')),
    )
    expect(await counts()).toEqual({ like_count: 1, comment_count: 1 })
    expect(await db().selectFrom('track_recount').selectAll().execute()).toEqual([])
  })

  it('a second like of the same track by the same actor counts once; deleting one keeps the count right', async () => {
    await apply(createTrack(1))
    await apply(put('create', basil, 'fm.plyr.like', 'l1', 2, subjectRecord(trackUri)))
    await apply(put('create', basil, 'fm.plyr.like', 'l2', 3, subjectRecord(trackUri)))
    await apply(put('create', aurora, 'fm.plyr.like', 'l3', 4, subjectRecord(trackUri)))
    expect((await counts())?.like_count).toBe(2)
    await apply(del(basil, 'fm.plyr.like', 'l1', 5))
    expect((await counts())?.like_count).toBe(2)
    await apply(del(basil, 'fm.plyr.like', 'l2', 6))
    expect((await counts())?.like_count).toBe(1)
  })

  it('an edit moving a like or comment to another track recounts both; an edited track keeps its counts', async () => {
    const other = `at://${aurora}/${T}/t2`
    await apply(createTrack(1), put('create', aurora, T, 't2', 2, trackRecord('Other')))
    await apply(
      put('create', basil, 'fm.plyr.like', 'l1', 3, subjectRecord(trackUri)),
      put('create', basil, 'fm.plyr.comment', 'c1', 4, commentRecord(trackUri, 'hi')),
    )
    await apply(put('update', aurora, T, 't1', 5, trackRecord('Northern Static (edit)')))
    expect(await counts()).toEqual({ like_count: 1, comment_count: 1 })
    await apply(
      put('update', basil, 'fm.plyr.like', 'l1', 6, subjectRecord(other)),
      put('update', basil, 'fm.plyr.comment', 'c1', 7, commentRecord(other, 'hi')),
    )
    expect(await counts()).toEqual({ like_count: 0, comment_count: 0 })
    expect(await counts(other)).toEqual({ like_count: 1, comment_count: 1 })
  })

  it('recomputes counts from rows: replays and stale stored counts cannot skew them', async () => {
    await apply(createTrack(1))
    const like = put('create', basil, 'fm.plyr.like', 'l1', 2, subjectRecord(trackUri))
    await apply(like)
    await apply(like)
    await db().updateTable('track_count').set({ like_count: 99 }).execute()
    await apply(put('create', aurora, 'fm.plyr.like', 'l2', 3, subjectRecord(trackUri)))
    expect((await counts())?.like_count).toBe(2)
  })

  it('skips an invalid record with the reason stored for operators, without stopping the batch', async () => {
    const invalid = put('create', aurora, T, 'bad', 1, trackRecord(''))
    const nul = put('create', aurora, T, 'nul', 1, trackRecord('nul \u0000 byte'))
    const valid = put('create', aurora, T, 'ok', 1, trackRecord('fine'))
    expect(await apply(invalid, nul, valid)).toEqual(['invalid', 'invalid', 'applied'])
    expect((await tracks()).map((t) => t.title)).toEqual(['fine'])
    const reasons = await db()
      .selectFrom('invalid_record')
      .select(['uri', 'reason'])
      .orderBy('uri')
      .execute()
    expect(reasons).toEqual([
      { uri: `at://${aurora}/${T}/bad`, reason: expect.stringContaining('title') },
      { uri: `at://${aurora}/${T}/nul`, reason: 'contains a NUL character' },
    ])
  })

  it('sorts a track dated in the future by the time it was indexed', async () => {
    const future = new Date(Date.now() + 365 * 86400_000).toISOString()
    await apply(createTrack(1, 'from the future', { createdAt: future }))
    const [track] = await tracks()
    expect(track!.sort_at.getTime()).toBe(track!.indexed_at.getTime())
    expect(track!.created_at.toISOString()).toBe(future)
  })

  it('ranks a replayed stream as the live one did: by the time the relay stamped on each event', async () => {
    const dayAgo = Date.now() - 86400_000
    const future = new Date(Date.now() + 365 * 86400_000).toISOString()
    // live, a day ago: a future-dated track, then an hour later one dated then
    const early = { ...createTrack(1, 'future-dated', { createdAt: future }), time: dayAgo }
    const later = {
      ...put(
        'create',
        basil,
        T,
        'b1',
        2,
        trackRecord('an hour later', {
          createdAt: new Date(dayAgo + 3600_000).toISOString(),
        }),
      ),
      time: dayAgo + 3600_000,
    }
    await apply(early, later)
    const ranked = await db()
      .selectFrom('track')
      .select(['title', 'sort_at', 'indexed_at'])
      .orderBy('sort_at', 'desc')
      .execute()
    // replayed today, the future-dated track still ranks by when it went out a day ago
    expect(ranked.map((t) => t.title)).toEqual(['an hour later', 'future-dated'])
    expect(ranked[1]!.indexed_at.getTime()).toBe(dayAgo)
    // a stamp from the future counts as now, never later
    const ahead = Date.now() + 86400_000
    await apply({
      ...put('create', basil, T, 'b2', 3, trackRecord('stamped ahead', { createdAt: future })),
      time: ahead,
    })
    const stamped = await db()
      .selectFrom('track')
      .select('indexed_at')
      .where('title', '=', 'stamped ahead')
      .executeTakeFirstOrThrow()
    expect(stamped.indexed_at.getTime()).toBeLessThanOrEqual(Date.now())
  })

  it('a track created and edited in one batch ranks by its creation, as when they come apart', async () => {
    const dayAgo = Date.now() - 86400_000
    const future = new Date(Date.now() + 365 * 86400_000).toISOString()
    const created = { ...createTrack(1, 'v1', { createdAt: future }), time: dayAgo }
    const edited = {
      ...put('update', aurora, T, 't1', 2, trackRecord('v2', { createdAt: future })),
      time: dayAgo + 60_000,
    }
    // a replay of the create after the edit, and a recreated record after its delete
    const other = (op: 'create' | 'update', rev: number, time: number) => ({
      ...put(op, basil, T, 'b1', rev, trackRecord(`b${rev}`, { createdAt: future })),
      time: dayAgo + time,
    })
    const deleted = { ...del(basil, T, 'b1', 4), time: dayAgo + 4000 }
    await apply(
      edited,
      created,
      other('create', 3, 3000),
      deleted,
      other('create', 5, 5000),
      other('update', 6, 6000),
    )
    const rows = await db()
      .selectFrom('track')
      .select(['title', 'sort_at'])
      .orderBy('title')
      .execute()
    expect(rows.map((r) => [r.title, r.sort_at.getTime() - dayAgo])).toEqual([
      ['b6', 5000],
      ['v2', 0],
    ])
  })

  it('indexes tags (trimmed, lowercased, once each) and replaces them on update', async () => {
    await apply(createTrack(1, 't', { tags: ['Ambient', ' ambient ', 'Drone'] }))
    const tags = () => db().selectFrom('track_tag').select('tag').orderBy('tag').execute()
    expect(await tags()).toEqual([{ tag: 'ambient' }, { tag: 'drone' }])
    await apply(put('update', aurora, T, 't1', 2, trackRecord('t', { tags: ['techno'] })))
    expect(await tags()).toEqual([{ tag: 'techno' }])
    expect(
      await apply(createTrack(3, 't', { tags: Array.from({ length: 11 }, (_, i) => `t${i}`) })),
    ).toEqual(['invalid'])
  })

  it('stores media URLs with a trust level from the allowlist, and the audio blob CID', async () => {
    const blobCid = 'bafkreibme22gw2h7y2h7tg2fhqotaqjucnbc24deqo72b6mkl2egezxhvy'
    await apply(
      createTrack(1, 'trusted', {
        audioUrl: 'https://cdn.plyr.fm/a.mp3',
        imageUrl: 'https://evil.example/i.jpg',
      }),
      put(
        'create',
        aurora,
        T,
        't2',
        1,
        trackRecord('blob', {
          audioUrl: 'javascript:alert(1)',
          audioBlob: { $type: 'blob', ref: { $link: blobCid }, mimeType: 'audio/mpeg', size: 1000 },
        }),
      ),
    )
    const rows = await db()
      .selectFrom('track')
      .select(['title', 'audio_url_trusted', 'image_url_trusted', 'audio_blob_cid'])
      .orderBy('title')
      .execute()
    expect(rows).toEqual([
      {
        title: 'blob',
        audio_url_trusted: false,
        image_url_trusted: false,
        audio_blob_cid: blobCid,
      },
      { title: 'trusted', audio_url_trusted: true, image_url_trusted: false, audio_blob_cid: null },
    ])
  })

  it('indexes lists with their items in record order, and replaces them on update', async () => {
    const item = (n: number) => ({
      subject: {
        uri: `at://${aurora}/${T}/t${n}`,
        cid: 'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
      },
    })
    const list = (revision: number, items: number[], op: 'create' | 'update' = 'create') =>
      put(op, aurora, 'fm.plyr.list', 'a1', revision, {
        name: 'Harbor Lights',
        listType: 'album',
        items: items.map(item),
        createdAt: '2026-01-01T00:00:00.000Z',
      })
    await apply(list(1, [3, 1, 2]))
    const items = () =>
      db().selectFrom('list_item').select(['position', 'subject_uri']).orderBy('position').execute()
    expect((await items()).map((i) => i.subject_uri.slice(-2))).toEqual(['t3', 't1', 't2'])
    await apply(list(2, [2, 3], 'update'))
    expect((await items()).map((i) => i.subject_uri.slice(-2))).toEqual(['t2', 't3'])
    expect(await db().selectFrom('list').select(['name', 'list_type']).execute()).toEqual([
      { name: 'Harbor Lights', list_type: 'album' },
    ])
    await apply(del(aurora, 'fm.plyr.list', 'a1', 3))
    expect(await items()).toEqual([])
  })

  it('keeps Bluesky profiles only for actors with plyr records; artist profiles always', async () => {
    const bsky = (did: string, revision: number) =>
      put('create', did, 'app.bsky.actor.profile', 'self', revision, {
        displayName: `name of ${did.slice(8, 13)}`,
      })
    expect(await apply(bsky(basil, 1))).toEqual(['ignored'])
    await apply(createTrack(1), bsky(aurora, 2))
    const actors = await db().selectFrom('actor').select(['did', 'display_name']).execute()
    expect(actors).toEqual([{ did: aurora, display_name: 'name of auror' }])
    await apply(
      put('create', aurora, 'fm.plyr.actor.profile', 'self', 3, {
        bio: 'hi',
        avatar: 'https://cdn.plyr.fm/me.png',
        createdAt: '2026-01-01T00:00:00.000Z',
      }),
    )
    expect(
      await db()
        .selectFrom('artist_profile')
        .select(['did', 'bio', 'avatar_url_trusted'])
        .execute(),
    ).toEqual([{ did: aurora, bio: 'hi', avatar_url_trusted: true }])
  })

  it('saves the cursor only after the rows it covers and their counts', async () => {
    await processor.apply([createTrack(1, 'v1')], { source: 'test', value: 41 })
    expect(await loadCursor(db(), 'test')).toBe(41)
    // a batch cut short after its lanes committed, before the recount (as by a crash)
    const like = put('create', basil, 'fm.plyr.like', 'l1', 2, subjectRecord(trackUri))
    const cutShort = new Processor({ ...options, db: db().withPlugin(failingRecount) })
    await expect(cutShort.apply([like], { source: 'test', value: 42 })).rejects.toThrow(
      'recount cut short',
    )
    expect(await loadCursor(db(), 'test')).toBe(41)
    expect(await counts()).toEqual({ like_count: 0, comment_count: 0 })
    // read again from the cursor: the like is a replay now, and its track's recount is
    // still queued
    expect(await processor.apply([like], { source: 'test', value: 42 })).toEqual(['ignored'])
    expect(await counts()).toEqual({ like_count: 1, comment_count: 0 })
    expect(await loadCursor(db(), 'test')).toBe(42)
  })

  it('keeps the recount queue small: it is vacuumed now and then, whatever autovacuum does', async () => {
    const queueBytes = async () =>
      Number(
        (await sql<{ n: string }>`select pg_relation_size('track_recount') as n`.execute(db()))
          .rows[0]!.n,
      )
    // batches of 60 likes of distinct tracks: without a vacuum, their queue rows (taken and
    // deleted, but still on disk) would fill a page each; the 35th batch takes the queue
    // past 2048 rows taken, and it is vacuumed
    for (let batch = 0; batch < 35; batch++) {
      await processor.apply(
        Array.from({ length: 60 }, (_, i) =>
          put(
            'create',
            basil,
            'fm.plyr.like',
            `b${batch}l${i}`,
            batch * 100 + i + 1,
            subjectRecord(`at://${aurora}/${T}/t${batch}x${i}`),
          ),
        ),
      )
      if (batch === 33) expect(await queueBytes()).toBeGreaterThan(20 * 8192)
    }
    expect(await queueBytes()).toBeLessThanOrEqual(8192)
  })

  it('follows handle changes (resolved afresh and verified) and account status for known actors only', async () => {
    await apply(createTrack(1))
    resolvedHandles[aurora] = 'aurora.example'
    expect(
      await apply(
        { kind: 'identity', did: aurora },
        { kind: 'account', did: aurora, active: false, status: 'suspended' },
        { kind: 'identity', did: 'did:plc:stranger' },
      ),
    ).toEqual(['applied', 'applied', 'ignored'])
    const actors = await db().selectFrom('actor').select(['did', 'handle', 'status']).execute()
    expect(actors).toEqual([{ did: aurora, handle: 'aurora.example', status: 'suspended' }])
    // a handle that no longer resolves back to the DID is dropped
    resolvedHandles[aurora] = null
    await apply({ kind: 'identity', did: aurora })
    expect(
      (await db().selectFrom('actor').select('handle').executeTakeFirstOrThrow()).handle,
    ).toBeNull()
    await apply({ kind: 'account', did: aurora, active: true })
    expect((await db().selectFrom('actor').select('status').executeTakeFirstOrThrow()).status).toBe(
      'active',
    )
  })

  it("keeps each actor's PDS from their identity, and the last known one when a lookup finds none", async () => {
    const pds = async () =>
      (await db().selectFrom('actor').select(['did', 'pds']).orderBy('did').execute()).map((a) => [
        a.did,
        a.pds,
      ])
    await apply(createTrack(1), put('create', basil, T, 'b1', 2, trackRecord('Basil')))
    expect(await pds()).toEqual([
      [aurora, 'https://pds.one.example'],
      [basil, null],
    ])
    resolvedPds[aurora] = 'https://pds.two.example'
    resolvedPds[basil] = 'https://pds.basil.example'
    await apply({ kind: 'identity', did: aurora }, { kind: 'identity', did: basil })
    expect(await pds()).toEqual([
      [aurora, 'https://pds.two.example'],
      [basil, 'https://pds.basil.example'],
    ])
    delete resolvedPds[aurora]
    await apply({ kind: 'identity', did: aurora })
    expect(await pds()).toEqual([
      [aurora, 'https://pds.two.example'],
      [basil, 'https://pds.basil.example'],
    ])
  })
})
