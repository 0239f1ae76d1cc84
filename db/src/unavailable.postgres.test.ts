import { createServer } from 'node:net'
import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Database } from './open.js'
import { openTestDatabase, type TestDatabase } from './testing.js'
import {
  isDatabaseUnavailable,
  QueryDeadlineError,
  retryWhileDatabaseUnavailable,
} from './unavailable.js'

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

describe('the Postgres pool when the database goes away', () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase('postgres')
  })
  afterAll(async () => {
    await database?.destroy()
  })

  it('a connection ended by the server mid-transaction fails that statement, and the process lives on', async () => {
    const failed = await database.db
      .transaction()
      .execute(async (tx) => {
        const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(tx)
        // between two statements, so no statement is in flight to take the error: pg
        // emits it on the client, which ends the process when nothing listens
        await sql`select pg_terminate_backend(${rows[0]!.pid})`.execute(database.db)
        await sql`select 1`.execute(tx)
      })
      .catch((err: unknown) => err)
    expect(isDatabaseUnavailable(failed)).toBe(true)
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(database.db)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('a statement past the deadline fails as unavailable, and its connection is not reused', async () => {
    await using timed = await Database.open({
      databaseUrl: database.url!,
      poolSize: 1,
      queryTimeoutMs: 500,
    })
    const failed = await sql`select pg_sleep(30)`.execute(timed.db).catch((err: unknown) => err)
    expect(failed).toBeInstanceOf(QueryDeadlineError)
    expect(isDatabaseUnavailable(failed)).toBe(true)
    // the only connection was the one still waiting for pg_sleep: a statement queued
    // behind it would miss its deadline too
    const { rows } = await sql<{ one: number }>`select 1 as one`.execute(timed.db)
    expect(rows).toEqual([{ one: 1 }])
  })

  it('tells a refused connection from an error of the statement', async () => {
    await using nowhere = await Database.open({
      databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`,
    })
    const refused = await sql`select 1`.execute(nowhere.db).catch((err: unknown) => err)
    expect(isDatabaseUnavailable(refused)).toBe(true)
    const wrong = await sql`select * from no_such_table`
      .execute(database.db)
      .catch((err: unknown) => err)
    expect(wrong).toBeInstanceOf(Error)
    expect(isDatabaseUnavailable(wrong)).toBe(false)
  })

  it('retries while the database is away, and not past a stop or another error', async () => {
    await using nowhere = await Database.open({
      databaseUrl: `postgres://postgres@127.0.0.1:${await closedPort()}/postgres`,
    })
    let attempts = 0
    const stop = new AbortController()
    const stopped = await retryWhileDatabaseUnavailable(() => sql`select 1`.execute(nowhere.db), {
      signal: stop.signal,
      firstDelayMs: 10,
      onRetry: () => {
        if (++attempts === 3) stop.abort()
      },
    }).catch((err: unknown) => err)
    expect(attempts).toBe(3)
    expect(isDatabaseUnavailable(stopped)).toBe(true)

    let tries = 0
    const flaky = await retryWhileDatabaseUnavailable(
      async () => (++tries < 3 ? sql`select 1`.execute(nowhere.db) : 'answered'),
      { signal: new AbortController().signal, firstDelayMs: 10 },
    )
    expect([flaky, tries]).toEqual(['answered', 3])

    let once = 0
    const wrong = await retryWhileDatabaseUnavailable(
      () => {
        once++
        return sql`select * from no_such_table`.execute(database.db)
      },
      { signal: new AbortController().signal, firstDelayMs: 10 },
    ).catch((err: unknown) => err)
    expect(isDatabaseUnavailable(wrong)).toBe(false)
    expect(once).toBe(1)
  })
})
