import { Database } from '@plyr/db'
import { openTestDatabase, type TestDatabase } from '@plyr/db/testing'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { Labeler } from '../src/labeler.js'
import { startLabeler, tempDir } from './start.js'
import { Subscriber, verifyLabel } from './verify.js'

// Two labeler processes on one Postgres (each with its own pool and listener, as two
// processes would have): a label made by one reaches the other's subscribers by NOTIFY.
let database: TestDatabase
let other: Database
let dir: Awaited<ReturnType<typeof tempDir>>
let a: Labeler
let b: Labeler

beforeAll(async () => {
  database = await openTestDatabase('postgres')
  other = await Database.open({ databaseUrl: database.url!, poolSize: 4 })
  dir = await tempDir()
  const env = { DATABASE_URL: database.url!, LABELER_POLL_MS: '600000' }
  a = await startLabeler(database.db, dir.path, env)
  b = await startLabeler(other.db, dir.path, env)
})
afterAll(async () => {
  await a?.destroy()
  await b?.destroy()
  await other?.destroy()
  await database?.destroy()
  await dir?.[Symbol.asyncDispose]()
})

it('delivers a label made by one process to the subscribers of another', async () => {
  const sub = new Subscriber(b.url)
  await sub.opened()
  try {
    await a.label([{ uri: 'did:plc:someone', val: '!takedown' }])
    await sub.until(() => sub.labels().length === 1)
    expect(await verifyLabel(a.key.did(), sub.labels()[0]!.label)).toBe(true)
    // and the other way, interleaved: one sequence, no gap, no duplicate
    await b.label([{ uri: 'did:plc:someone', val: '!takedown', neg: true }])
    await a.label([{ uri: 'did:plc:else', val: 'spam' }])
    await sub.until(() => sub.labels().length === 3)
    expect(sub.labels().map((l) => l.seq)).toEqual([1, 2, 3])
  } finally {
    sub.close()
  }
})

it('delivers labels made at the same time by both processes, each once and in order', async () => {
  const head = Math.max(a.feed.seq, b.feed.seq)
  const subs = [new Subscriber(a.url), new Subscriber(b.url)]
  await Promise.all(subs.map((s) => s.opened()))
  try {
    // a process hands its own commits to its feed directly, while NOTIFY loads run
    await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        (i % 2 ? a : b).label([{ uri: `did:plc:together${i}`, val: 'spam' }]),
      ),
    )
    const all = Array.from({ length: 60 }, (_, i) => head + 1 + i)
    for (const sub of subs) {
      await sub.until(() => sub.labels().at(-1)?.seq === head + 60)
      expect(sub.labels().map((l) => l.seq)).toEqual(all)
    }
  } finally {
    for (const sub of subs) sub.close()
  }
})
