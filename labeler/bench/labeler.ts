// npm run bench:labeler: the labeler on a dedicated Postgres database (dropped at the end).
// 1. labels created, signed and stored per second (batches of 500), against bare
//    @noble/curves signing of the same labels in the same run (the baseline);
// 2. a replay of 100,000 labels from cursor 0 to one subscriber (labels/s);
// 3. 1,000 WebSocket subscribers on loopback receiving new labels: delivery latency from
//    the call that makes a label to its arrival at each subscriber, p50 and p99.
// The subscribers live on a worker thread (labeler/bench/subscribers.ts): their reading
// stays off the labeler's event loop, though not off this 2-core machine. Delivery is
// timed on the clock both threads share, from before the label is signed to its arrival
// at each subscriber; the load average is printed with the result. One JSON line.
import { secp256k1 } from '@noble/curves/secp256k1'
import { sha256 } from '@noble/hashes/sha256'
import { encode } from '@atproto/lex-cbor'
import { Database } from '@plyr/db'
import { dropDatabase, recreateDatabase } from '@plyr/db/testing'
import { sql } from 'kysely'
import { loadavg } from 'node:os'
import { Worker } from 'node:worker_threads'
import { pino } from 'pino'
import WebSocket from 'ws'
import { labelerConfigFromEnv } from '../src/config.js'
import { Labeler } from '../src/labeler.js'
import type { LabelInput } from '../src/store.js'

const DATABASE = `plyr_bench_labeler_${process.pid}`
const LABELS = Number(process.env.BENCH_LABELS || 10_000)
const REPLAY = 100_000
const SUBSCRIBERS = 1_000
const DELIVERIES = 50
const log = (line: string) => process.stderr.write(`bench:labeler: ${line}\n`)
const DID = 'did:plc:benchlabeler000000000000'
const KEY = '9b2a5c6f3e1d4a7b8c0d2e4f6a8b0c1d3e5f7a9b1c3d5e7f9a0b2c4d6e8f0a1b'

const inputs = (n: number, from = 0): LabelInput[] =>
  Array.from({ length: n }, (_, i) => ({
    uri: `at://did:plc:artist${(from + i) % 997}/fm.plyr.track/3k${from + i}`,
    cid: 'bafyreie5737gdxlw5i64vzichcalba3z2v5n6icifvx5xytvske7mr3hpm',
    val: 'copyright-violation',
  }))

const url = await recreateDatabase(DATABASE)
const database = await Database.open({ databaseUrl: url, poolSize: 8 })
let labeler: Labeler | undefined
let subscribers: Worker | undefined
try {
  await database.migrate()
  labeler = await Labeler.start({
    cfg: labelerConfigFromEnv({
      LABELER_DID: DID,
      LABELER_SIGNING_KEY: KEY,
      LABELER_PORT: '0',
      LABELER_SCAN: 'false',
      DATABASE_URL: url,
      DATA_DIR: '/nonexistent',
    })!,
    db: database.db,
    logger: pino({ level: 'silent' }),
  })

  // 1. create, sign, store; and the baseline: sign the same labels with bare noble
  const all = inputs(LABELS)
  let started = performance.now()
  for (let i = 0; i < all.length; i += 500) await labeler.label(all.slice(i, i + 500))
  const labelsPerS = LABELS / ((performance.now() - started) / 1000)
  log(`created ${LABELS} labels: ${labelsPerS.toFixed(0)}/s`)
  const priv = Buffer.from(KEY, 'hex')
  const cts = new Date().toISOString()
  started = performance.now()
  for (const l of all) {
    const bytes = encode({ ver: 1, src: DID, uri: l.uri, cid: l.cid!, val: l.val, cts })
    secp256k1.sign(sha256(bytes), priv, { lowS: true }).toCompactRawBytes()
  }
  const bareSignPerS = LABELS / ((performance.now() - started) / 1000)
  log(`bare signing: ${bareSignPerS.toFixed(0)}/s`)

  // 2. replay 100,000 from cursor 0 (copies of a signed label, added in bulk)
  await sql`insert into labeler_label (src, uri, cid, val, neg, cts, exp, sig)
    select src, uri || '/' || g, cid, val, neg, cts, exp, sig
    from (select * from labeler_label order by seq limit 1) l, generate_series(1, ${REPLAY - LABELS}) g`.execute(
    database.db,
  )
  await labeler.feed.refresh()
  const head = labeler.feed.seq
  started = performance.now()
  await new Promise<void>((resolve, reject) => {
    const ws = new WebSocket(
      `${labeler!.url.replace('http', 'ws')}/xrpc/com.atproto.label.subscribeLabels?cursor=0`,
    )
    let n = 0
    ws.on('message', () => {
      if (++n === head) {
        ws.close()
        resolve()
      }
    })
    ws.on('error', reject)
  })
  const replayPerS = head / ((performance.now() - started) / 1000)
  log(`replayed ${head} labels: ${replayPerS.toFixed(0)}/s`)

  // 3. 1,000 live subscribers (on a worker thread); labels made one at a time
  subscribers = new Worker(new URL('./subscribers.ts', import.meta.url), {
    execArgv: ['--import', 'tsx'],
    workerData: {
      url: `${labeler.url.replace('http', 'ws')}/xrpc/com.atproto.label.subscribeLabels`,
      subscribers: SUBSCRIBERS,
    },
  })
  const delivered = new Map<number, number[]>()
  let onDelivered = () => {}
  await new Promise<void>((resolve, reject) => {
    subscribers!.on('error', reject)
    subscribers!.on('message', (m: { ready?: true; label?: number; times?: number[] }) => {
      if (m.ready) return resolve()
      delivered.set(m.label!, m.times!)
      onDelivered()
    })
  })
  log(`${SUBSCRIBERS} subscribers connected`)
  const latencies: number[] = []
  for (let i = 0; i < DELIVERIES; i++) {
    const arrived = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`label ${i} reached too few subscribers`)),
        30_000,
      )
      onDelivered = () => {
        if (!delivered.has(i)) return
        clearTimeout(timer)
        resolve()
      }
    })
    const sent = performance.timeOrigin + performance.now()
    await labeler.label(inputs(1, LABELS + i))
    await arrived
    latencies.push(...delivered.get(i)!.map((t) => t - sent))
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  latencies.sort((a, b) => a - b)
  const pct = (p: number) =>
    latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]!
  console.log(
    JSON.stringify({
      labels_per_s: Math.round(labelsPerS),
      bare_sign_per_s: Math.round(bareSignPerS),
      replay_labels_per_s: Math.round(replayPerS),
      subscribers: SUBSCRIBERS,
      delivery_p50_ms: Number(pct(50).toFixed(1)),
      delivery_p99_ms: Number(pct(99).toFixed(1)),
      load_avg: Number(loadavg()[0]!.toFixed(2)),
    }),
  )
} finally {
  await subscribers?.terminate()
  await labeler?.destroy()
  await database.destroy()
  await dropDatabase(DATABASE)
}
