import { RateLimitExceededError } from '@atproto/xrpc-server'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkJobRoom, UploadVolume } from '../src/writes/upload-limits.js'

const GIB = 1024 ** 3

/** A response that keeps its headers. */
const response = () => {
  const headers = new Map<string, string>()
  return { headers, setHeader: (name: string, value: string) => headers.set(name, value) }
}

describe(`per-account upload limits on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  beforeAll(async () => {
    database = await openTestDatabase()
  })
  afterAll(() => database.destroy())

  it('counts an account’s bytes past 2^31 and refuses past its day, with Retry-After', async () => {
    const volume = new UploadVolume(database.db, 5 * GIB)
    const other = new UploadVolume(database.db, 5 * GIB) // another AppView process
    const res = response()
    await volume.count(res, 'did:plc:big', 2 * GIB)
    await other.count(res, 'did:plc:big', 2 * GIB + 1)
    // 4 GiB + 1 used: one more GiB declared does not fit, a smaller upload may try
    const refused = await volume.check(res, 'did:plc:big', GIB).catch((err: unknown) => err)
    expect(refused).toBeInstanceOf(RateLimitExceededError)
    expect((refused as RateLimitExceededError).status.consumedPoints).toBe(4 * GIB + 1)
    const retry = Number(res.headers.get('Retry-After'))
    expect(retry).toBeGreaterThan(23 * 3600)
    expect(retry).toBeLessThanOrEqual(24 * 3600)
    await volume.check(response(), 'did:plc:big', GIB - 1)
    // counting past the volume (bytes arriving) is refused too; another account is apart
    await expect(other.count(response(), 'did:plc:big', GIB)).rejects.toBeInstanceOf(
      RateLimitExceededError,
    )
    await volume.check(response(), 'did:plc:small', 4 * GIB)
  })

  it('lets two requests racing for an account’s last job place take it once', async () => {
    const did = 'did:plc:racer'
    const start = (n: number) =>
      database.db.transaction().execute(async (tx) => {
        await checkJobRoom(tx, response(), did, 1)
        // what makes the job takes a moment: the other request must wait, not pass
        await new Promise((resolve) => setTimeout(resolve, 200))
        await tx
          .insertInto('media_job')
          .values({
            id: `race-${n}`,
            did,
            grant_id: 'grant',
            sha256: 'a'.repeat(64),
            rkey: `3krace${n}`,
            input: '{}',
            state: 'queued',
            stage: 'queued',
          })
          .execute()
      })
    const results = await Promise.allSettled([start(1), start(2)])
    expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected'])
    const refused = results.find((r) => r.status === 'rejected')!
    expect(refused.reason).toBeInstanceOf(RateLimitExceededError)
    const jobs = await database.db
      .selectFrom('media_job')
      .select('id')
      .where('did', '=', did)
      .execute()
    expect(jobs).toHaveLength(1)
  })
})
