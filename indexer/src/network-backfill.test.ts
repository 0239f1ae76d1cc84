import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createIdentity } from '@plyr/core'
import { openTestDatabase, testDatabaseKind, type TestDatabase } from '@plyr/db/testing'
import { PlyrNamespace } from '@plyr/lexicons'
import { pino } from 'pino'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { Backfiller } from './backfill.js'
import { NetworkBackfill } from './network-backfill.js'
import { createPlugins } from './plugins/index.js'
import { Processor } from './processor.js'

const logger = pino({ level: 'silent' })
const collection = 'fm.plyr.track'
const dids = Array.from({ length: 5 }, (_, i) => `did:plc:repo${i}0000000000000000000`)

/**
 * A relay serving listReposByCollection two repos a page (the cursor is the last DID
 * served); `failAfter` pages answered, it answers 500 until told otherwise.
 */
async function startRelay() {
  const cursors: (string | null)[] = []
  const state = { failAfter: Infinity, served: 0 }
  const server = createServer((req, res) => {
    const url = new URL(req.url!, 'http://relay')
    if (url.pathname !== '/xrpc/com.atproto.sync.listReposByCollection') {
      return res.writeHead(404).end()
    }
    cursors.push(url.searchParams.get('cursor'))
    if (state.served >= state.failAfter) return res.writeHead(500).end('{}')
    state.served++
    const after = url.searchParams.get('cursor') ?? ''
    const page = dids.filter((d) => d > after).slice(0, 2)
    const body = { repos: page.map((did) => ({ did })), cursor: page.at(-1) }
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body))
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return { url, cursors, state, [Symbol.asyncDispose]: async () => void server.close() }
}

describe(`network backfill on ${testDatabaseKind()}`, () => {
  let database: TestDatabase
  let backfiller: Backfiller
  beforeEach(async () => {
    database = await openTestDatabase()
    const plugins = createPlugins(new PlyrNamespace('fm.plyr'), { trustedMediaOrigins: new Set() })
    const identity = createIdentity({
      plcUrl: 'http://127.0.0.1:9',
      allowPrivateNetwork: true,
      timeoutMs: 1000,
    })
    backfiller = new Backfiller({
      db: database.db,
      processor: new Processor({ db: database.db, plugins, writers: 1, logger }),
      identity,
      collections: [...plugins.keys()],
      logger,
      concurrency: 2,
    })
  })
  afterEach(async () => {
    await database.destroy()
  })

  const lister = (relay: string) =>
    new NetworkBackfill({
      db: database.db,
      backfiller,
      fetch: globalThis.fetch,
      relay,
      collection,
      logger,
    })
  const queued = async () =>
    (await database.db.selectFrom('backfill_repo').select('did').orderBy('did').execute()).map(
      (r) => r.did,
    )
  const until = async (check: () => boolean) => {
    for (let i = 0; !check(); i++) {
      if (i > 1000) throw new Error('condition not met within 20 s')
      await new Promise((r) => setTimeout(r, 20))
    }
  }

  it('lists every repo on the first start, resuming an interrupted listing where it stopped', async () => {
    await using relay = await startRelay()
    relay.state.failAfter = 1
    const first = lister(relay.url)
    await first.start()
    expect(first.health().state).toBe('listing')
    // the second page fails: the first page's repos are queued, its cursor kept
    await until(() => relay.cursors.length >= 2)
    await first.destroy()
    expect(await queued()).toEqual(dids.slice(0, 2))

    relay.state.failAfter = Infinity
    const again = lister(relay.url)
    await again.start()
    await until(() => again.health().state === 'complete')
    // resumed after the last page saved, not from the start
    expect(relay.cursors.at(-3)).toBe(dids[1])
    expect(relay.cursors.includes(null, 2)).toBe(false)
    expect(await queued()).toEqual(dids)
    expect(again.health()).toMatchObject({ listed: 5, lastError: null })
    await again.destroy()

    // a later start lists nothing: the listing is complete
    const third = lister(relay.url)
    await third.start()
    expect(third.health().state).toBe('complete')
    await third.destroy()
  })

  it('does not list when the index is not empty at its first start', async () => {
    await using relay = await startRelay()
    await database.db
      .insertInto('cursor')
      .values({ source: 'jetstream', cursor: 1, updated_at: new Date() })
      .execute()
    const network = lister(relay.url)
    await network.start()
    expect(network.health().state).toBe('waiting')
    expect(relay.cursors).toEqual([])
    await network.destroy()
  })

  it('queues a repo once: one already done is not fetched again', async () => {
    await database.db
      .insertInto('backfill_repo')
      .values({ did: dids[0]!, queued_at: new Date(), done_at: new Date(), records: 3 })
      .execute()
    await backfiller.enqueue([dids[0]!, dids[1]!, dids[1]!])
    const rows = await database.db
      .selectFrom('backfill_repo')
      .select(['did', 'done_at', 'records'])
      .orderBy('did')
      .execute()
    expect(rows).toEqual([
      { did: dids[0], done_at: expect.any(Date), records: 3 },
      { did: dids[1], done_at: null, records: null },
    ])
  })
})
