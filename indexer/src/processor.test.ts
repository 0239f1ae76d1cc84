import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PlyrNamespace } from '@plyr/lexicons'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import type { CommitEvent, IndexEvent } from './events.js'
import { Processor } from './processor.js'
import { loadCursor } from './store/cursors.js'

const did = 'did:plc:aurora00000000000000000'
const uri = `at://${did}/fm.plyr.track/3kaaaaaaaaa22`
const cid = (n: number) =>
  [
    'bafyreicnos5k3ureyshmsiefqv7nufjcktawfenxcsaftfhu5jfokqk7um',
    'bafyreibwcvcbzxd3px3jjghg4sjmb2zrt4zrnkuy6tvmoavqu4kcoh232m',
    'bafyreig7hqeuf3bovkzjcwa3zqkffqyt53doyycb5xu7wh5jy3cqdr5xbm',
  ][n]!

function trackEvent(op: 'create' | 'update', rev: string, title: string, extra = {}): CommitEvent {
  return {
    kind: 'commit',
    op,
    did,
    collection: 'fm.plyr.track',
    rkey: '3kaaaaaaaaa22',
    uri,
    rev,
    cid: cid(rev === '3k001' ? 0 : rev === '3k002' ? 1 : 2),
    record: {
      $type: 'fm.plyr.track',
      title,
      artist: 'Aurora Vale',
      fileType: 'mp3',
      createdAt: '2026-01-01T00:00:00.000Z',
      ...extra,
    },
  }
}
const deleteEvent = (rev: string): CommitEvent => ({
  kind: 'commit',
  op: 'delete',
  did,
  collection: 'fm.plyr.track',
  rkey: '3kaaaaaaaaa22',
  uri,
  rev,
})

describe(`processor on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  let processor: Processor
  let lookups: string[]
  beforeEach(async () => {
    database = await openTestDatabase()
    lookups = []
    processor = new Processor({
      db: database.db,
      namespace: new PlyrNamespace('fm.plyr'),
      lookupActor: async (d) => {
        lookups.push(d)
        return { handle: 'aurora.test', displayName: 'Aurora Vale', avatar: null }
      },
      logger: pino({ level: 'silent' }),
    })
  })
  afterEach(async () => {
    await database.destroy()
  })

  const tracks = () => database.db.selectFrom('track').selectAll().execute()
  const apply = (events: IndexEvent[], cursor = 1) => processor.apply('test', events, cursor)

  it('indexes a new track with its raw record and its artist, looked up once', async () => {
    expect(await apply([trackEvent('create', '3k001', 'Northern Static')])).toEqual(['applied'])
    await apply([trackEvent('update', '3k002', 'Northern Static (edit)')])
    const [track] = await tracks()
    expect(track).toMatchObject({ uri, did, title: 'Northern Static (edit)', file_type: 'mp3' })
    const actor = await database.db.selectFrom('actor').selectAll().executeTakeFirstOrThrow()
    expect(actor).toMatchObject({
      did,
      handle: 'aurora.test',
      display_name: 'Aurora Vale',
      status: 'active',
    })
    expect(lookups).toEqual([did])
    const record = await database.db.selectFrom('record').selectAll().executeTakeFirstOrThrow()
    expect(record).toMatchObject({ uri, rev: '3k002', collection: 'fm.plyr.track' })
  })

  it('ignores a replayed create', async () => {
    await apply([trackEvent('create', '3k001', 'First')])
    const before = await tracks()
    expect(await apply([trackEvent('create', '3k001', 'First')])).toEqual(['ignored'])
    expect(await tracks()).toEqual(before)
  })

  it('applies an update only if its rev is newer; a late older version is ignored', async () => {
    await apply([trackEvent('create', '3k001', 'v1')])
    await apply([trackEvent('update', '3k003', 'v3')])
    expect(await apply([trackEvent('update', '3k002', 'v2')])).toEqual(['ignored'])
    expect((await tracks())[0]?.title).toBe('v3')
  })

  it('deletes a track; a delete of something unknown is a no-op', async () => {
    await apply([trackEvent('create', '3k001', 'gone soon')])
    await apply([deleteEvent('3k002')])
    expect(await tracks()).toEqual([])
    expect(await database.db.selectFrom('record').selectAll().execute()).toEqual([])
    await expect(apply([deleteEvent('3k009')])).resolves.toEqual(['applied'])
  })

  it('skips an invalid record without stopping the batch', async () => {
    const invalid = trackEvent('create', '3k001', '')
    const nul = { ...trackEvent('create', '3k001', 'nul \u0000 byte'), uri: `${uri}x`, rkey: '3kx' }
    const valid = { ...trackEvent('create', '3k001', 'fine'), uri: `${uri}y`, rkey: '3ky' }
    expect(await apply([invalid, nul, valid])).toEqual(['invalid', 'invalid', 'applied'])
    expect((await tracks()).map((t) => t.title)).toEqual(['fine'])
  })

  it('sorts a track dated in the future by the time it was indexed', async () => {
    const future = new Date(Date.now() + 365 * 86400_000).toISOString()
    await apply([trackEvent('create', '3k001', 'from the future', { createdAt: future })])
    const [track] = await tracks()
    expect(track!.sort_at.getTime()).toBe(track!.indexed_at.getTime())
    expect(track!.created_at.toISOString()).toBe(future)
  })

  it('saves the cursor with the rows it covers, and neither when the batch fails', async () => {
    await apply([trackEvent('create', '3k001', 'v1')], 41)
    expect(await loadCursor(database.db, 'test')).toBe(41)
    // a cursor Postgres refuses fails the transaction after the update was written
    await expect(apply([trackEvent('update', '3k002', 'v2')], Number.NaN)).rejects.toThrow()
    expect((await tracks())[0]?.title).toBe('v1')
    expect(await loadCursor(database.db, 'test')).toBe(41)
  })

  it('follows handle changes and account status for known actors only', async () => {
    await apply([trackEvent('create', '3k001', 'x')])
    await apply([
      { kind: 'identity', did, handle: 'aurora.example' },
      { kind: 'account', did, active: false, status: 'suspended' },
      { kind: 'identity', did: 'did:plc:stranger', handle: 'who.test' },
    ])
    const actors = await database.db.selectFrom('actor').selectAll().execute()
    expect(actors).toEqual([
      expect.objectContaining({ did, handle: 'aurora.example', status: 'suspended' }),
    ])
    await apply([{ kind: 'account', did, active: true }])
    const back = await database.db.selectFrom('actor').select('status').executeTakeFirstOrThrow()
    expect(back.status).toBe('active')
  })
})
