import { RateLimitExceededError, type HandlerContext } from '@atproto/xrpc-server'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import { sql } from 'kysely'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { databaseRateLimiter } from '../src/writes/rate-limit.js'

const as = (did: string) => ({ auth: { credentials: { did } } }) as unknown as HandlerContext

describe(`per-account write limits on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterAll(() => database.destroy())

  const limiter = () =>
    databaseRateLimiter(
      database.db,
      pino({ level: 'silent' }),
    )({
      keyPrefix: 'rl-write',
      durationMs: 60_000,
      points: 3,
      calcKey: (ctx: HandlerContext) =>
        (ctx.auth as { credentials: { did: string } }).credentials.did,
      calcPoints: () => 1,
    })

  it('counts each account apart, shared by every limiter on the database', async () => {
    const a = limiter()
    const b = limiter() // another AppView process
    expect((await a.consume(as('did:plc:one')))?.remainingPoints).toBe(2)
    expect((await b.consume(as('did:plc:one')))?.remainingPoints).toBe(1)
    expect((await a.consume(as('did:plc:one')))?.remainingPoints).toBe(0)
    const refused = await b.consume(as('did:plc:one')).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(RateLimitExceededError)
    expect((refused as RateLimitExceededError).status.msBeforeNext).toBeGreaterThan(0)
    // another account has its own bucket
    expect((await a.consume(as('did:plc:two')))?.remainingPoints).toBe(2)
  })

  it('lets requests through when its store fails', async () => {
    await sql`alter table rate_limit rename to rate_limit_away`.execute(database.db)
    try {
      expect(await limiter().consume(as('did:plc:one'))).toBeNull()
    } finally {
      await sql`alter table rate_limit_away rename to rate_limit`.execute(database.db)
    }
  })
})
