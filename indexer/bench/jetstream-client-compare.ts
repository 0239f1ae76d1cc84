// npm run bench:jetstream-client: the evidence behind docs/jetstream-client.md. Serves a
// generated Jetstream stream (BENCH_EVENTS, default 200,000) and reads all of it with a
// slow consumer (a batch write of 50 ms per 1000 events) three ways, each in its own
// process: the indexer's JetstreamSource, @skyware/jetstream as its API allows, and
// @skyware/jetstream with the socket taken from under it and paused. Then checks which
// cursor skyware reconnects with. Prints one JSON line.
import { spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { Jetstream } from '@skyware/jetstream'
import { pino } from 'pino'
import WebSocket from 'ws'
import type { Processor } from '../src/processor.js'
import { JetstreamSource } from '../src/sources/jetstream.js'

const BATCH = 1000
/** The slow consumer: a batch write takes 50 ms per 1000 events. */
const write = (n: number) => new Promise((r) => setTimeout(r, (50 * n) / BATCH))

type Stream = { url: string; lastTimeUs: number; events: number }
type Figures = {
  events: number
  seconds: number
  peak_rss_mb: number
  peak_heap_mb: number
  max_buffered: number
}

/** Runs a script in a child process; resolves with the JSON of its first stdout line. */
function child(args: string[], env: Record<string, string> = {}) {
  const proc = spawn(process.execPath, [...process.execArgv, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const result = new Promise<unknown>((resolve, reject) => {
    createInterface({ input: proc.stdout }).once('line', (line) => resolve(JSON.parse(line)))
    proc.once('exit', (code) => reject(new Error(`${args[0]} exited with ${code}`)))
  })
  return { proc, result }
}

/** Received-but-unwritten events and heap, sampled; one client per process. */
function meter() {
  let received = 0
  let written = 0
  let maxBuffered = 0
  let peakHeap = 0
  const sample = setInterval(() => {
    peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
  }, 10)
  const started = performance.now()
  return {
    received() {
      received++
      maxBuffered = Math.max(maxBuffered, received - written)
    },
    written: (n: number) => (written += n),
    done(): Figures {
      clearInterval(sample)
      return {
        events: written,
        seconds: Number(((performance.now() - started) / 1000).toFixed(1)),
        peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024),
        peak_heap_mb: Math.round(Math.max(peakHeap, process.memoryUsage().heapUsed) / 2 ** 20),
        max_buffered: maxBuffered,
      }
    },
  }
}

/** The indexer's own client, unchanged, with the slow consumer as its processor. */
async function runOwn(stream: Stream): Promise<Figures> {
  const m = meter()
  let cursor: number | undefined
  // received = parsed and checked (the raw messages before that are bounded by the same pause)
  const processor = {
    check: () => m.received(),
    apply: async (events: unknown[], c: { value: number }) => {
      await write(events.length)
      m.written(events.length)
      cursor = c.value
      return []
    },
  } as unknown as Processor
  const source = new JetstreamSource({
    urls: [stream.url],
    collections: [],
    processor,
    loadCursor: async () => cursor,
    // the run reads the recorded stream from its start: no starting point to keep
    saveStartingCursor: async () => {},
    logger: pino({ level: 'silent' }),
    batchSize: BATCH,
  })
  source.start()
  while ((cursor ?? 0) < stream.lastTimeUs) await new Promise((r) => setTimeout(r, 20))
  await source.destroy()
  return m.done()
}

type Event = { time_us: number }

/**
 * A ws constructor for skyware's `ws` option that hands over each socket it makes: skyware
 * exposes no other handle on the socket (its `ws` is partysocket's wrapper, without pause).
 */
function capturing(made: (socket: WebSocket, url: string) => void) {
  return class extends WebSocket {
    constructor(...args: ConstructorParameters<typeof WebSocket>) {
      super(...args)
      made(this, String(args[0]))
    }
  }
}

/**
 * Skyware with the same one-writer batching; with `pause`, the socket taken from it is
 * paused and resumed at the own client's thresholds.
 */
async function runSkyware(stream: Stream, pause: boolean): Promise<Figures> {
  const m = meter()
  let socket: WebSocket | undefined
  const ws = capturing((s) => (socket = s))
  const jetstream = new Jetstream({ endpoint: `${stream.url}/subscribe`, ws })
  const buffer: Event[] = []
  let paused = false
  let writer: Promise<void> | undefined
  let cursor = 0
  const drain = async () => {
    while (buffer.length > 0) {
      const batch = buffer.splice(0, BATCH)
      if (paused && buffer.length < BATCH / 2) {
        paused = false
        socket?.resume()
      }
      await write(batch.length)
      m.written(batch.length)
      cursor = batch.at(-1)!.time_us
    }
  }
  const take = (event: Event) => {
    buffer.push(event)
    m.received()
    if (pause && !paused && buffer.length >= BATCH) {
      paused = true
      socket?.pause()
    }
    writer ??= drain().finally(() => (writer = undefined))
  }
  jetstream.on('commit', take)
  jetstream.on('account', take)
  jetstream.on('identity', take)
  jetstream.start()
  while (cursor < stream.lastTimeUs) await new Promise((r) => setTimeout(r, 20))
  jetstream.close()
  return m.done()
}

/**
 * Drops the connection twice while the slow consumer is behind: which cursor does skyware
 * reconnect with, and does setting `cursor` on its close event take effect?
 */
async function reconnectCursors(stream: Stream) {
  const urls: string[] = []
  let socket: WebSocket | undefined
  const ws = capturing((s, url) => {
    socket = s
    urls.push(url)
  })
  const jetstream = new Jetstream({ endpoint: `${stream.url}/subscribe`, ws })
  let received = 0
  let written = 0
  let processedUs = 0
  const buffer: Event[] = []
  let writer: Promise<void> | undefined
  const drain = async () => {
    for (let b = buffer.splice(0, BATCH); b.length > 0; b = buffer.splice(0, BATCH)) {
      await write(b.length)
      written += b.length
      processedUs = b.at(-1)!.time_us
    }
  }
  const take = (e: Event) => {
    buffer.push(e)
    received++
    writer ??= drain().finally(() => (writer = undefined))
  }
  jetstream.on('commit', take)
  jetstream.on('account', take)
  let override = false
  const atClose: { receivedUs: number; processedUs: number; unwritten: number }[] = []
  jetstream.on('close', () => {
    atClose.push({ receivedUs: jetstream.cursor!, processedUs, unwritten: received - written })
    if (override) jetstream.cursor = processedUs // what a wrapper would do
  })
  jetstream.start()
  const until = async (ok: () => boolean) => {
    while (!ok()) await new Promise((r) => setTimeout(r, 10))
  }
  const cursorOf = (url: string) => Number(new URL(url).searchParams.get('cursor'))
  for (const withOverride of [false, true]) {
    await until(() => socket?.readyState === WebSocket.OPEN)
    const connections = urls.length
    // some batches written on this connection, and many events received but not yet
    const target = written + 5 * BATCH
    await until(() => written >= target && received - written >= 10 * BATCH)
    override = withOverride
    socket!.terminate() // as when the network drops
    await until(() => urls.length > connections) // partysocket reconnects after 3 s
  }
  jetstream.close()
  const [plain, overridden] = atClose
  return {
    // the default reconnect resumes after the last event *received*: the events still
    // unwritten at the drop are skipped by the new connection
    resumes_from_last_received: cursorOf(urls[1]!) === plain!.receivedUs,
    unwritten_skipped_on_reconnect: plain!.unwritten,
    cursor_override_on_close_works: cursorOf(urls[2]!) === overridden!.processedUs,
  }
}

const variant = process.env.COMPARE_VARIANT
if (variant) {
  const stream = JSON.parse(process.env.COMPARE_STREAM!) as Stream
  const figures =
    variant === 'own'
      ? await runOwn(stream)
      : variant === 'cursor'
        ? await reconnectCursors(stream)
        : await runSkyware(stream, variant === 'skyware_paused')
  console.log(JSON.stringify(figures))
  process.exit(0)
}

const server = child([`${import.meta.dirname}/serve-stream.ts`])
try {
  const stream = (await server.result) as Stream
  const run = async (name: string) => {
    process.stderr.write(`bench:jetstream-client: ${name}...\n`)
    const env = { COMPARE_VARIANT: name, COMPARE_STREAM: JSON.stringify(stream) }
    return (await child([import.meta.filename], env).result) as Record<string, number>
  }
  const own = (await run('own')) as Figures
  const skyware = (await run('skyware')) as Figures
  const paused = (await run('skyware_paused')) as Figures
  const cursor = await run('cursor')
  const pick = (prefix: string, f: Figures) =>
    Object.fromEntries(
      (['seconds', 'peak_rss_mb', 'peak_heap_mb', 'max_buffered'] as const).map((k) => [
        `${prefix}_${k}`,
        f[k],
      ]),
    )
  console.log(
    JSON.stringify({
      events: stream.events,
      processed: { own: own.events, skyware: skyware.events, skyware_paused: paused.events },
      ...pick('own', own),
      ...pick('skyware', skyware),
      ...pick('skyware_paused', paused),
      skyware_reconnect: cursor,
    }),
  )
} finally {
  server.proc.kill()
}
