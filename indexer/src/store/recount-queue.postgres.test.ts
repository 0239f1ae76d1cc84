import { sql } from 'kysely'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { PlyrNamespace } from '@plyr/lexicons'
import { Database } from '@plyr/db'
import { openTestDatabase, type TestDatabase, trackCounts } from '@plyr/db/testing'
import { put, subjectRecord, trackRecord } from '../../test/events.js'
import { hashKey } from '../lanes.js'
import { createPlugins } from '../plugins/index.js'
import { Processor } from '../processor.js'
import { recountQueued } from './recount-queue.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const cedar = 'did:plc:cedar000000000000000000'
const T = 'fm.plyr.track'
// y sorts (and was written) before x: a recount of both writes y's count first
const [y, x] = [`at://${aurora}/${T}/t1`, `at://${aurora}/${T}/t2`]
const like = (did: string, rkey: string, revision: number, uri: string) =>
  put('create', did, 'fm.plyr.like', rkey, revision, subjectRecord(uri))

/** Resolves once `check` holds, checking every 20 ms; fails after 10 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 10_000
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('until: condition not met in 10 s')
    await new Promise((r) => setTimeout(r, 20))
  }
}

// Two recounts of one track from two processes (the stream's indexer and a backfill) on
// one database: they need connections of their own, so this runs on Postgres only.
describe('recounts of one track in two processes at once', () => {
  let database: TestDatabase
  // sees what the connections of the test's transactions wait for, on one of its own
  let watcher: Database
  let processor: Processor
  beforeEach(async () => {
    database = await openTestDatabase('postgres')
    watcher = await Database.open({ databaseUrl: database.url, poolSize: 1 })
    processor = new Processor({
      db: database.db,
      plugins: createPlugins(new PlyrNamespace('fm.plyr'), { trustedMediaOrigins: new Set() }),
      writers: 2,
      logger: pino({ level: 'silent' }),
    })
  })
  afterEach(async () => {
    await watcher.destroy()
    await database.destroy()
  })

  it('take turns: the one that read the likes last writes its count last', async () => {
    const db = database.db
    await processor.apply([
      put('create', aurora, T, 't1', 1, trackRecord('Y')),
      put('create', aurora, T, 't2', 2, trackRecord('X')),
      like(basil, 'l1', 3, y),
      like(basil, 'l2', 4, x),
    ])
    // due for a recount, as left by another process between its commit and its recount:
    // y's stored count is off, and x's like is not counted yet
    await sql`update track_count set like_count = 5 where uri = ${y}`.execute(db)
    await sql`update track_count set like_count = 0 where uri = ${x}`.execute(db)
    await sql`insert into track_recount (uri, count, hash)
      values (${y}, 'like_count', ${hashKey(y)}), (${x}, 'like_count', ${hashKey(x)})`.execute(db)

    // a reader holds y's count row, so the other process's recount, having read the likes
    // (one for x), waits there before it writes x's count
    let release!: () => void
    const held = new Promise<void>((r) => (release = r))
    let locked!: () => void
    const lockTaken = new Promise<void>((r) => (locked = r))
    const holder = db.transaction().execute(async (tx) => {
      await sql`select 1 from track_count where uri = ${y} for update`.execute(tx)
      locked()
      await held
    })
    const waiting = (query: string) => async () =>
      (
        await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'
            and query like ${query}`.execute(watcher.db)
      ).rows[0]!.n > 0
    try {
      // the other recount starts only once the row is held: started before, it could write
      // y's count first and never wait
      await lockTaken
      const other = db.transaction().execute((tx) => recountQueued(tx, 0, 1))
      await until(waiting('%insert into track_count%'))

      // meanwhile this process indexes a second like of x, and recounts x: unless it waits
      // for the other recount, it writes 2 first and the other then writes its 1 over it
      let appliedAlready = false
      const applied = processor
        .apply([like(cedar, 'l1', 5, x)])
        .finally(() => (appliedAlready = true))
      await until(async () => appliedAlready || (await waiting('%delete from "track_recount"%')()))
      release()
      await Promise.all([holder, other, applied])
    } finally {
      // a failed wait must not keep the row, and with it the test's connections, held
      release()
    }

    expect(await trackCounts(db, x)).toMatchObject({ like_count: 2 })
    expect(await trackCounts(db, y)).toMatchObject({ like_count: 1 })
  })
})
