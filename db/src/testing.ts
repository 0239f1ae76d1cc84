import { randomBytes } from 'node:crypto'
import pg from 'pg'
import { Database } from './open.js'

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

export async function openTestDatabase(): Promise<TestDatabase> {
  if (testDatabaseKind() === 'pglite') {
    const database = await Database.open({})
    await database.migrate()
    return database
  }
  const name = `plyr_test_${randomBytes(6).toString('hex')}`
  await withAdmin((c) => c.query(`create database ${name}`))
  const url = new URL(adminUrl())
  url.pathname = `/${name}`
  const database: TestDatabase = await Database.open({ databaseUrl: url.toString(), poolSize: 4 })
  database.url = url.toString()
  await database.migrate()
  const destroy = database.destroy.bind(database)
  database.destroy = async () => {
    await destroy()
    await withAdmin((c) => c.query(`drop database if exists ${name} with (force)`))
  }
  return database
}

async function withAdmin(fn: (client: pg.Client) => Promise<unknown>): Promise<void> {
  const client = new pg.Client({ connectionString: adminUrl() })
  await client.connect()
  try {
    await fn(client)
  } finally {
    await client.end()
  }
}
