import { once } from 'node:events'
import { mkdtemp, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createIdentity } from '@plyr/core'
import { Database } from '@plyr/db'
import { openTestDatabase } from '@plyr/db/testing'
import { Labeler, labelerConfigFromEnv } from '@plyr/labeler'
import { freePort, startLabelerProcess } from '@plyr/labeler/test-process'
import { pino } from 'pino'
import { expect, it } from 'vitest'
import { LabelSubscriptions } from '../src/labels/subscription.js'

const silent = pino({ level: 'silent' })
const LABELS = 6_000
const NEGATIONS = 2_000

/** Polls `probe` until it returns something other than undefined (a deadline for a loaded machine). */
async function waitFor<T>(probe: () => Promise<T | undefined>, intervalMs = 100): Promise<T> {
  const deadline = Date.now() + 240_000
  for (;;) {
    const value = await probe()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, intervalMs))
  }
}

/** The labeler's identity: a did:web document on localhost naming its key and endpoint. */
async function didWebDocument() {
  const http = createServer()
  http.listen(0, '127.0.0.1')
  await once(http, 'listening')
  const did = `did:web:localhost%3A${(http.address() as AddressInfo).port}`
  return {
    did,
    serve(didKey: string, endpoint: string) {
      const doc = {
        '@context': ['https://www.w3.org/ns/did/v1'],
        id: did,
        verificationMethod: [
          {
            id: `${did}#atproto_label`,
            type: 'Multikey',
            controller: did,
            publicKeyMultibase: didKey.slice('did:key:'.length),
          },
        ],
        service: [{ id: '#atproto_labeler', type: 'AtprotoLabeler', serviceEndpoint: endpoint }],
      }
      http.on('request', (req, res) => {
        if (req.url !== '/.well-known/did.json') return void res.writeHead(404).end()
        res.setHeader('content-type', 'application/json').end(JSON.stringify(doc))
      })
    },
    close: () => new Promise((resolve) => http.close(resolve)),
  }
}

// Postgres only: on PGlite applying a batch holds the event loop, and so the socket, by
// itself, so the check of the pause could not fail. Signing 8,000 labels and verifying each
// as it arrives takes half a minute or more here
it(
  'catches up on a backlog of 8,000 labels without holding it, and resumes from its cursor after a restart midway',
  { timeout: 400_000 },
  async () => {
    const identityDoc = await didWebDocument()
    const did = identityDoc.did
    const dir = await mkdtemp(join(tmpdir(), 'plyr-backlog-'))
    await using appDb = await openTestDatabase()
    const subscriptions: LabelSubscriptions[] = []
    let labelerProcess: Awaited<ReturnType<typeof startLabelerProcess>> | undefined
    try {
      // the backlog, written by a labeler on its own database (its key kept in DATA_DIR):
      // 15,000 labels on distinct tracks, then negations of the first 5,000
      const database = await Database.open({ dataDir: dir })
      await database.migrate()
      const env = { LABELER_DID: did, LABELER_SCAN: 'false', DATA_DIR: dir, DATABASE_URL: '' }
      const writer = await Labeler.start({
        cfg: labelerConfigFromEnv({ ...env, LABELER_PORT: '0' })!,
        db: database.db,
        logger: silent,
      })
      const uri = (i: number) => `at://did:plc:backlog/fm.plyr.track/t${i}`
      for (let i = 0; i < LABELS; i += 1000) {
        const batch = Array.from({ length: 1000 }, (_, j) => ({ uri: uri(i + j), val: 'spam' }))
        await writer.label(batch)
      }
      for (let i = 0; i < NEGATIONS; i += 1000) {
        const batch = Array.from({ length: 1000 }, (_, j) => ({ uri: uri(i + j), val: 'spam' }))
        await writer.negate(batch)
      }
      const head = writer.feed.seq
      expect(head).toBe(LABELS + NEGATIONS)
      const didKey = writer.key.did()
      await writer.destroy()
      await database.destroy()

      // served by `npm run start:labeler` in its own process, as fast as it can send
      const port = await freePort()
      identityDoc.serve(didKey, `http://localhost:${port}`)
      labelerProcess = await startLabelerProcess(env, port)
      await labelerProcess.health<{ labeler?: { seq: number } }>(
        (body) => body.labeler?.seq === head,
      )

      const identity = createIdentity({
        plcUrl: 'http://127.0.0.1:1',
        allowPrivateNetwork: true,
        timeoutMs: 10_000,
      })
      const subscribe = () => {
        const subs = new LabelSubscriptions([did], appDb.db, identity.resolver, silent)
        subscriptions.push(subs)
        subs.start()
        return subs
      }
      const labelRows = async () => {
        const rows = await appDb.db
          .selectFrom('label')
          .select((eb) => [
            eb.fn.countAll<string>().as('all'),
            eb.fn.countAll<string>().filterWhere('neg', '=', true).as('negated'),
          ])
          .executeTakeFirstOrThrow()
        return { all: Number(rows.all), negated: Number(rows.negated) }
      }
      /** What the label table holds once every label up to `cursor` is applied. */
      const expected = (cursor: number) => ({
        all: Math.min(cursor, LABELS),
        negated: Math.max(0, cursor - LABELS),
      })
      const savedCursor = async () =>
        Number(
          (
            await appDb.db
              .selectFrom('label_subscription')
              .select('cursor')
              .where('labeler', '=', did)
              .executeTakeFirst()
          )?.cursor ?? 0,
        )

      // stopped as soon as a first part of the backlog is applied
      const first = subscribe()
      await waitFor(async () => first.health().labelers[0]!.cursor > 0 || undefined, 5)
      await first.destroy()
      const stoppedAt = await savedCursor()
      expect(stoppedAt).toBeGreaterThan(0)
      expect(stoppedAt).toBeLessThan(head)
      expect(await labelRows()).toEqual(expected(stoppedAt))

      // a new subscription resumes from the saved cursor: it applies only the rest
      const second = subscribe()
      await waitFor(async () => ((await savedCursor()) === head ? true : undefined))
      expect(await labelRows()).toEqual(expected(head))
      const applied = (await second.registry.getMetricsAsJSON()).find(
        (m) => m.name === 'plyr_labels_applied_total',
      )!.values[0]!.value
      expect(applied).toBe(head - stoppedAt)
      expect(second.health().labelers[0]).toMatchObject({ cursor: head, rejected: 0 })
      // never the backlog in memory: the socket is paused while 2,000 frames wait (applying
      // yields to the socket: without the pause, nearly all 8,000 would be held)
      expect(second.health().labelers[0]!.queuedPeak).toBeLessThan(2_500)
    } finally {
      for (const subs of subscriptions) await subs.destroy()
      await labelerProcess?.stop()
      await identityDoc.close()
      await rm(dir, { recursive: true, force: true })
    }
  },
)
