import type { ActorIdentity } from '@plyr/core'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import { PlyrNamespace } from '@plyr/lexicons'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { put, trackRecord } from '../test/events.js'
import { IdentityResolver } from './identity-resolver.js'
import { createPlugins } from './plugins/index.js'
import { Processor } from './processor.js'

const aurora = 'did:plc:aurora00000000000000000'
const basil = 'did:plc:basil000000000000000000'
const T = 'fm.plyr.track'
const logger = pino({ level: 'silent' })

describe(`identity resolver on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  let processor: Processor
  beforeEach(async () => {
    database = await openTestDatabase()
    processor = new Processor({
      db: database.db,
      plugins: createPlugins(new PlyrNamespace('fm.plyr'), { trustedMediaOrigins: new Set() }),
      writers: 2,
      logger,
    })
  })
  afterEach(async () => {
    await database.destroy()
  })

  const actor = (did: string) =>
    database.db.selectFrom('actor').selectAll().where('did', '=', did).executeTakeFirstOrThrow()

  it('indexes records at once while the directory never answers, and stops at once', async () => {
    const asked: string[] = []
    // a directory that takes every lookup and never answers
    const resolver = new IdentityResolver({
      db: database.db,
      lookup: (did) => {
        asked.push(did)
        return new Promise<ActorIdentity>(() => {})
      },
      logger,
      idleMs: 20,
    })
    const outcomes = await processor.apply([
      put('create', aurora, T, 'a1', 1, trackRecord('Northern Static')),
      put('create', basil, T, 'b1', 2, trackRecord('Low Tide Waltz')),
    ])
    expect(outcomes).toEqual(['applied', 'applied'])
    const tracks = await database.db.selectFrom('track').select('title').execute()
    expect(tracks.map((t) => t.title).sort()).toEqual(['Low Tide Waltz', 'Northern Static'])
    expect(await actor(aurora)).toMatchObject({ handle: null, pds: null })
    // started once both are due, so one round takes both (and hangs on them); stopping
    // does not wait for them
    resolver.start()
    for (let i = 0; asked.length < 2 && i < 3000; i++) await new Promise((r) => setTimeout(r, 20))
    expect(asked.sort()).toEqual([aurora, basil])
    await resolver.destroy()
    // what was taken and never answered is due again for the next start
    const due = await database.db
      .selectFrom('actor')
      .select('did')
      .where('identity_due_at', '<=', new Date())
      .execute()
    expect(due.map((d) => d.did).sort()).toEqual([aurora, basil])
  })

  it('retries a failed lookup later, keeping what was known, and resolves it then', async () => {
    let directoryUp = true
    const resolver = new IdentityResolver({
      db: database.db,
      lookup: async (did) => {
        if (!directoryUp) throw new Error('plc.directory unreachable')
        return {
          handle: did === aurora ? 'aurora.test' : null,
          displayName: 'A',
          pds: 'https://pds.one',
        }
      },
      logger,
    })
    await processor.apply([put('create', aurora, T, 'a1', 1, trackRecord('Northern Static'))])
    await resolver.drain()
    expect(await actor(aurora)).toMatchObject({
      handle: 'aurora.test',
      display_name: 'A',
      pds: 'https://pds.one',
      identity_due_at: null,
    })

    directoryUp = false
    expect(await processor.apply([{ kind: 'identity', did: aurora }])).toEqual(['applied'])
    await resolver.drain()
    const failed = await actor(aurora)
    // the last known identity stays; the lookup is due again after a backoff
    expect(failed).toMatchObject({ handle: 'aurora.test', pds: 'https://pds.one' })
    expect(failed.identity_attempts).toBe(1)
    expect(failed.identity_due_at!.getTime()).toBeGreaterThan(Date.now() + 10_000)

    directoryUp = true
    await database.db
      .updateTable('actor')
      .set({ identity_due_at: new Date(0) })
      .execute()
    await resolver.drain()
    expect(await actor(aurora)).toMatchObject({ identity_due_at: null, identity_attempts: 0 })
  })

  it('drains what the background loop is still resolving, not only what is left due', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let started!: () => void
    const lookupStarted = new Promise<void>((r) => (started = r))
    const resolver = new IdentityResolver({
      db: database.db,
      lookup: async () => {
        started()
        await gate
        return { handle: 'aurora.test', displayName: null }
      },
      logger,
      idleMs: 20,
    })
    await processor.apply([put('create', aurora, T, 'a1', 1, trackRecord('Northern Static'))])
    resolver.start()
    await lookupStarted
    // the background loop holds aurora's lookup: nothing is due, yet it is not resolved
    const drained = resolver.drain().then(() => actor(aurora))
    setTimeout(release, 200)
    expect(await drained).toMatchObject({ handle: 'aurora.test', identity_due_at: null })
    await resolver.destroy()
  })

  it('queues an identity event that arrives while a lookup runs, instead of losing it', async () => {
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    let started!: () => void
    const lookupStarted = new Promise<void>((r) => (started = r))
    let handle = 'old.test'
    let lookups = 0
    const resolver = new IdentityResolver({
      db: database.db,
      lookup: async () => {
        lookups++
        const seen = handle
        started()
        await gate
        return { handle: seen, displayName: null }
      },
      logger,
    })
    await processor.apply([put('create', aurora, T, 'a1', 1, trackRecord('Northern Static'))])
    const first = resolver.drain()
    // the lookup has read the old handle when the actor changes it
    await lookupStarted
    handle = 'new.test'
    await processor.apply([{ kind: 'identity', did: aurora }])
    release()
    await first
    // the answer read before the event is not the last word: the actor was looked up again
    expect(lookups).toBe(2)
    expect(await actor(aurora)).toMatchObject({ handle: 'new.test', identity_due_at: null })
  })
})
