import { type Kysely, sql } from 'kysely'
import { Migrator } from 'kysely/migration'
import { migrations } from './migrations/index.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from './testing.js'

/** A migrator over every migration, to move a scratch database to one of them. */
const migratorOf = (database: TestDatabase) =>
  new Migrator({
    db: database.db as Kysely<unknown>,
    provider: { getMigrations: async () => migrations },
  })

describe(`data layer on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterAll(async () => {
    await database?.destroy()
  })

  it('runs on the backend the test run asked for', () => {
    expect(database.kind).toBe(testDatabaseKind())
  })

  it('migrates to the newest schema, and migrating again changes nothing', async () => {
    await database.migrate()
    const tables = await sql<{ table_name: string }>`
      select table_name from information_schema.tables
      where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(
      database.db,
    )
    expect(tables.rows.map((r) => r.table_name)).toEqual([
      'actor',
      'artist_profile',
      'backfill_listing',
      'backfill_repo',
      'browser_account',
      'browser_session',
      'comment',
      'cursor',
      'developer_token',
      'invalid_record',
      'label',
      'label_subscription',
      'labeler_audit',
      'labeler_fingerprint',
      'labeler_flag',
      'labeler_label',
      'labeler_scan',
      'labeler_state',
      'like',
      'list',
      'list_item',
      'media_image',
      'media_job',
      'media_object',
      'media_upload',
      'media_upload_progress',
      'media_version',
      'oauth_grant',
      'oauth_lock',
      'oauth_state',
      'play',
      'play_salt',
      'rate_limit',
      'record',
      'track',
      'track_count',
      'track_recount',
      'track_tag',
    ])
  })

  it('moves track counts into track_count (0009) and back, keeping every count', async () => {
    await using scratch = await openTestDatabase()
    const migrator = migratorOf(scratch)
    expect((await migrator.migrateTo('0008-plays')).error).toBeUndefined()
    const track = (n: number, counts: [number, number, number]) => sql`
      insert into track (uri, did, cid, title, artist, file_type, audio_url_trusted,
        image_url_trusted, like_count, comment_count, play_count, created_at, indexed_at, sort_at)
      values (${`at://did:plc:a/fm.plyr.track/${n}`}, 'did:plc:a', 'bafy', 't', 'a', 'mp3',
        false, false, ${counts[0]}, ${counts[1]}, ${counts[2]}, now(), now(), now())`
    await track(1, [3, 2, 1]).execute(scratch.db)
    await track(2, [0, 0, 0]).execute(scratch.db)
    await scratch.migrate()
    expect(await scratch.db.selectFrom('track_count').selectAll().orderBy('uri').execute()).toEqual(
      [{ uri: 'at://did:plc:a/fm.plyr.track/1', like_count: 3, comment_count: 2, play_count: 1 }],
    )
    expect((await migrator.migrateTo('0008-plays')).error).toBeUndefined()
    const back = await sql<{
      n: string
      like_count: number
      comment_count: number
      play_count: number
    }>`
      select right(uri, 1) as n, like_count, comment_count, play_count from track order by uri`.execute(
      scratch.db,
    )
    expect(back.rows).toEqual([
      { n: '1', like_count: 3, comment_count: 2, play_count: 1 },
      { n: '2', like_count: 0, comment_count: 0, play_count: 0 },
    ])
  })

  it('moves tombstones into record (0012) and back, the newer version winning', async () => {
    await using scratch = await openTestDatabase()
    const migrator = migratorOf(scratch)
    expect((await migrator.migrateTo('0011-track-recount')).error).toBeUndefined()
    const uri = (n: number) => `at://did:plc:a/fm.plyr.track/${n}`
    const deletedAt = new Date('2026-01-02T03:04:05.000Z')
    // 1: deleted; 2: live; 3: a leftover tombstone older than its live record
    await sql`
      insert into record (uri, did, collection, rkey, cid, rev, json, indexed_at) values
        (${uri(2)}, 'did:plc:a', 'fm.plyr.track', '2', 'bafy2', '3k2', '{"n":2}', now()),
        (${uri(3)}, 'did:plc:a', 'fm.plyr.track', '3', 'bafy3', '3k5', '{"n":3}', now())
    `.execute(scratch.db)
    await sql`
      insert into tombstone (uri, did, collection, rev, deleted_at) values
        (${uri(1)}, 'did:plc:a', 'fm.plyr.track', '3k1', ${deletedAt}),
        (${uri(3)}, 'did:plc:a', 'fm.plyr.track', '3k4', ${deletedAt})
    `.execute(scratch.db)
    await scratch.migrate()
    const rows = () =>
      scratch.db
        .selectFrom('record')
        .select(['uri', 'rkey', 'cid', 'rev', 'json', 'deleted_at'])
        .orderBy('uri')
        .execute()
    expect(await rows()).toEqual([
      { uri: uri(1), rkey: '1', cid: null, rev: '3k1', json: null, deleted_at: deletedAt },
      { uri: uri(2), rkey: '2', cid: 'bafy2', rev: '3k2', json: { n: 2 }, deleted_at: null },
      { uri: uri(3), rkey: '3', cid: 'bafy3', rev: '3k5', json: { n: 3 }, deleted_at: null },
    ])
    // a row is a live version or a tombstone, never half of each
    await expect(
      sql`update record set json = null where uri = ${uri(2)}`.execute(scratch.db),
    ).rejects.toThrow(/record_version_check/)
    expect((await migrator.migrateTo('0011-track-recount')).error).toBeUndefined()
    const tombstones = await sql<{ uri: string; rev: string }>`
      select uri, rev from tombstone order by uri`.execute(scratch.db)
    expect(tombstones.rows).toEqual([{ uri: uri(1), rev: '3k1' }])
    const live = await sql<{ uri: string }>`select uri from record order by uri`.execute(scratch.db)
    expect(live.rows.map((r) => r.uri)).toEqual([uri(2), uri(3)])
  })

  it('moves backfilled_at into the backfill queue (0014) and back', async () => {
    await using scratch = await openTestDatabase()
    const migrator = migratorOf(scratch)
    expect((await migrator.migrateTo('0013-identity-queue')).error).toBeUndefined()
    const done = new Date('2026-01-02T03:04:05.000Z')
    await sql`insert into actor (did, status, indexed_at, backfilled_at) values
      ('did:plc:done', 'active', now(), ${done}),
      ('did:plc:waiting', 'active', now(), null)`.execute(scratch.db)
    expect((await migrator.migrateTo('0014-backfill-queue')).error).toBeUndefined()
    const queue = await sql<{ did: string; done_at: Date | null; due: boolean }>`
      select did, done_at, due_at is not null as due from backfill_repo order by did`.execute(
      scratch.db,
    )
    expect(queue.rows).toEqual([
      { did: 'did:plc:done', done_at: done, due: false },
      { did: 'did:plc:waiting', done_at: null, due: true },
    ])
    expect((await migrator.migrateTo('0013-identity-queue')).error).toBeUndefined()
    const actors = await sql<{ did: string; backfilled_at: Date | null }>`
      select did, backfilled_at from actor order by did`.execute(scratch.db)
    expect(actors.rows).toEqual([
      { did: 'did:plc:done', backfilled_at: done },
      { did: 'did:plc:waiting', backfilled_at: null },
    ])
  })

  it('stores raw records as json and reads them back as objects', async () => {
    const json = { $type: 'fm.plyr.track', title: 'Ünïcødé "quotes"', nested: { n: [1, 2] } }
    await database.db
      .insertInto('record')
      .values({
        uri: 'at://did:plc:a/fm.plyr.track/1',
        did: 'did:plc:a',
        collection: 'fm.plyr.track',
        rkey: '1',
        cid: 'bafy',
        rev: '3k',
        json: JSON.stringify(json),
        indexed_at: new Date(),
      })
      .execute()
    const row = await database.db
      .selectFrom('record')
      .select(['json'])
      .where('uri', '=', 'at://did:plc:a/fm.plyr.track/1')
      .executeTakeFirstOrThrow()
    expect(row.json).toEqual(json)
    const title = await sql<{ t: string }>`select json->>'title' as t from record`.execute(
      database.db,
    )
    expect(title.rows[0]?.t).toBe(json.title)
  })

  it('reads timestamps as Dates and big cursors as exact numbers', async () => {
    const at = new Date('2026-03-04T05:06:07.089Z')
    const cursor = 1_795_289_597_074_123 // Jetstream time_us scale
    await database.db
      .insertInto('cursor')
      .values({ source: 'test', cursor, updated_at: at })
      .execute()
    const row = await database.db
      .selectFrom('cursor')
      .selectAll()
      .where('source', '=', 'test')
      .executeTakeFirstOrThrow()
    expect(row.cursor).toBe(cursor)
    expect(row.updated_at).toEqual(at)
  })
})

// Connection loss exists only with a server; PGlite runs in process.
if (testDatabaseKind() === 'postgres') {
  describe('data layer on postgres, losing connections', () => {
    it('survives the server dropping an idle connection, and the next query reconnects', async () => {
      await using database = await openTestDatabase()
      await sql`select 1`.execute(database.db)
      const admin = await openTestDatabase()
      try {
        const name = new URL(database.url!).pathname.slice(1)
        const killed = await sql<{ ok: boolean }>`select pg_terminate_backend(pid) as ok
          from (select pid from pg_stat_activity where datname = ${name}) as t`.execute(admin.db)
        expect(killed.rows.length).toBeGreaterThan(0)
      } finally {
        await admin.destroy()
      }
      await new Promise((resolve) => setTimeout(resolve, 200))
      const res = await sql<{ n: number }>`select 41 + 1 as n`.execute(database.db)
      expect(res.rows[0]?.n).toBe(42)
    })
  })
}
