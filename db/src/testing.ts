import { randomBytes } from 'node:crypto'
import type { Kysely } from 'kysely'
import pg from 'pg'
import { Database } from './open.js'
import type { IndexSchema } from './schema.js'
import { trackCountColumns } from './track-counts.js'

/**
 * Test databases: embedded PGlite in memory by default; with PLYR_TEST_DATABASE=postgres,
 * a fresh database on the local Postgres (PLYR_TEST_POSTGRES_URL, default
 * postgres://postgres@127.0.0.1:5432/postgres) that is dropped on dispose.
 */
export const testDatabaseKind = (): 'postgres' | 'pglite' =>
  process.env.PLYR_TEST_DATABASE === 'postgres' ? 'postgres' : 'pglite'

const adminUrl = () =>
  process.env.PLYR_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres'

export type TestDatabase = Database & { url?: string }

/** A migrated test database of `kind` (by default the one PLYR_TEST_DATABASE names). */
export async function openTestDatabase(
  kind: 'postgres' | 'pglite' = testDatabaseKind(),
): Promise<TestDatabase> {
  if (kind === 'pglite') {
    const database = await Database.open({})
    await database.migrate()
    return database
  }
  const name = `plyr_test_${randomBytes(6).toString('hex')}`
  const url = await recreateDatabase(name)
  const database: TestDatabase = await Database.open({ databaseUrl: url, poolSize: 4 })
  database.url = url
  await database.migrate()
  const destroy = database.destroy.bind(database)
  database.destroy = async () => {
    await destroy()
    await dropDatabase(name)
  }
  return database
}

/**
 * An empty database `name` on the local Postgres (dropped first if it exists, e.g. left
 * by an earlier benchmark run); returns its URL.
 */
export async function recreateDatabase(name: string): Promise<string> {
  await withAdmin(async (c) => {
    await c.query(`drop database if exists ${name} with (force)`)
    await c.query(`create database ${name}`)
  })
  const url = new URL(adminUrl())
  url.pathname = `/${name}`
  return url.toString()
}

/** Drops database `name` on the local Postgres, if it exists. */
export async function dropDatabase(name: string): Promise<void> {
  await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`))
}

async function withAdmin(fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() })
  // a dropped connection fails the statement in flight; unhandled, the event ends the process
  client.on('error', () => {})
  await client.connect()
  try {
    await fn(client)
  } finally {
    await client.end()
  }
}

/**
 * A track's counts as readers see them (zero until something is counted); undefined when
 * the track is not in the index.
 */
export async function trackCounts(db: Kysely<IndexSchema>, uri: string) {
  return db
    .selectFrom('track')
    .leftJoin('track_count', 'track_count.uri', 'track.uri')
    .select(trackCountColumns)
    .where('track.uri', '=', uri)
    .executeTakeFirst()
}
