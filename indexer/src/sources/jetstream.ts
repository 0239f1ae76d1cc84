import { retryWhileDatabaseUnavailable, warnWhileDatabaseUnavailable } from '@plyr/db'
import type { Logger } from 'pino'
import WebSocket from 'ws'
import type { IndexEvent } from '../events.js'
import type { Processor } from '../processor.js'
import { HealthTracker } from './health.js'
import { parseJetstreamMessage } from './jetstream-message.js'
import { SlicedQueue } from './sliced-queue.js'

export type JetstreamSourceOptions = {
  /** Jetstream hosts (ws[s]://host), tried in turn: a failing or silent one is left for the next. */
  urls: string[]
  /** Collections to subscribe to (identity and account events come regardless). */
  collections: string[]
  processor: Processor
  loadCursor: (source: string) => Promise<number | undefined>
  /** Saves where a start with no saved cursor began (time_us); keeps a cursor already saved. */
  saveStartingCursor: (source: string, cursor: number) => Promise<void>
  logger: Logger
  onError?: (reason: string) => void
  /** The most events in one transaction (fewer when the stream is slower than the database). */
  batchSize?: number
  /** On reconnect, start this far before the saved cursor (microseconds): replays are harmless, gaps are not. */
  rewindUs?: number
  /** A connection that delivers nothing for this long is treated as failed. */
  stallMs?: number
  maxBackoffMs?: number
}

/**
 * Reads Jetstream. Messages are applied in batches, each in one transaction with its
 * cursor (the time_us of its last event). When the database falls behind, the socket is
 * paused, so a slow database slows the stream instead of filling memory.
 */
export class JetstreamSource {
  readonly name = 'jetstream'
  readonly health: HealthTracker
  private readonly abort = new AbortController()
  private running?: Promise<void>
  private socket?: WebSocket

  constructor(private readonly opts: JetstreamSourceOptions) {
    if (opts.urls.length === 0) throw new Error('JetstreamSource needs at least one URL')
    this.health = new HealthTracker('jetstream', opts.urls)
  }

  start(): void {
    this.running ??= this.run()
  }

  private async run(): Promise<void> {
    const { urls, logger } = this.opts
    let failures = 0
    for (let i = 0; !this.abort.signal.aborted; i = (i + 1) % urls.length) {
      const url = urls[i]!
      let delivered = false
      try {
        delivered = await this.connectOnce(url)
      } catch (err) {
        // the saved cursor could not be read (the database is away, and stopping ended the
        // wait for it, or it failed otherwise): try again as for a failed connection
        this.health.writeFailed(err)
        logger.error({ err }, 'jetstream: could not read the saved cursor')
      }
      if (this.abort.signal.aborted) break
      failures = delivered ? 0 : failures + 1
      const delay = Math.min(this.opts.maxBackoffMs ?? 30_000, 250 * 2 ** Math.min(failures, 10))
      logger.warn(
        { url, next: urls[(i + 1) % urls.length], retryInMs: delay },
        'jetstream connection ended; still serving from the index, trying the next host',
      )
      await sleep(delay, this.abort.signal)
    }
  }

  /** One connection, until it closes. Resolves whether it delivered any event. */
  private async connectOnce(url: string): Promise<boolean> {
    const { opts } = this
    // while the database is away, wait for it here rather than read without a cursor
    const saved = await retryWhileDatabaseUnavailable(() => opts.loadCursor(this.name), {
      signal: this.abort.signal,
      onRetry: (err, attempt, delayMs) => this.databaseAway(err, attempt, delayMs),
    })
    if (saved === undefined) {
      // a first start follows the stream live from now: saved before connecting, so a
      // start killed before its first batch commits resumes from here, not live again
      await retryWhileDatabaseUnavailable(
        () => opts.saveStartingCursor(this.name, Date.now() * 1000),
        {
          signal: this.abort.signal,
          onRetry: (err, attempt, delayMs) => this.databaseAway(err, attempt, delayMs),
        },
      )
    }
    const subscribe = new URL('/subscribe', url)
    for (const c of opts.collections) subscribe.searchParams.append('wantedCollections', c)
    if (saved !== undefined) {
      subscribe.searchParams.set(
        'cursor',
        String(Math.max(0, saved - (opts.rewindUs ?? 5_000_000))),
      )
    }
    this.health.connecting(url)
    const socket = new WebSocket(subscribe)
    this.socket = socket
    const batchSize = opts.batchSize ?? 1000
    // messages received, then parsed and checked a slice at a time into `buffer`
    const received = new SlicedQueue<string>((text) => read(text))
    const buffer: { event: IndexEvent; timeUs: number }[] = []
    // past this many unwritten events the socket is paused, until taking a batch leaves
    // fewer than half: the next batch is received while this one is written
    const highWater = Math.max(batchSize, 1000)
    const unwritten = () => received.length + buffer.length
    let paused = false
    let delivered = false
    let failure: unknown
    let writer: Promise<void> | undefined

    // One writer at a time drains the buffer in batches of at most batchSize: while a
    // batch is written the next one is received, so batches grow with the load.
    const write = async () => {
      for (received.flush(); buffer.length > 0 && !failure; received.flush()) {
        const batch = buffer.splice(0, batchSize)
        const last = batch.at(-1)!.timeUs
        if (paused && unwritten() < highWater / 2) {
          paused = false
          socket.resume()
        }
        try {
          // while the database is away the batch is retried, the socket paused behind it
          await retryWhileDatabaseUnavailable(
            () =>
              opts.processor.apply(
                batch.map((b) => b.event),
                { source: this.name, value: last },
              ),
            {
              signal: this.abort.signal,
              onRetry: (err, attempt, delayMs) => this.databaseAway(err, attempt, delayMs),
            },
          )
          this.health.processed(url, Math.floor(last / 1000))
        } catch (err) {
          // its cursor not saved, the batch is read again: end the connection and resume
          // from the cursor
          failure = err
          opts.onError?.('batch_failed')
          opts.logger.error(
            { err },
            'jetstream: writing a batch failed; reconnecting from the saved cursor',
          )
          socket.terminate()
        }
      }
    }
    const drain = () => (writer ??= write().finally(() => (writer = undefined)))

    let lastMessage = Date.now()
    const stallMs = opts.stallMs ?? 300_000
    const timer = setInterval(
      () => {
        if (Date.now() - lastMessage > stallMs) {
          opts.logger.warn({ url, stallMs }, 'jetstream host went silent; moving to the next one')
          this.health.failed(url, `no message for ${stallMs} ms`)
          socket.terminate()
        }
      },
      Math.min(1000, stallMs),
    )

    socket.on('open', () => this.health.connected(url))
    const read = (text: string) => {
      const parsed = parseJetstreamMessage(text)
      if (parsed === undefined) return
      if (typeof parsed === 'string') {
        opts.onError?.('malformed_message')
        opts.logger.warn({ url, reason: parsed }, 'jetstream: dropping a malformed message')
        return
      }
      delivered = true
      opts.processor.check(parsed.event)
      buffer.push(parsed)
    }
    socket.on('message', (data) => {
      lastMessage = Date.now()
      // as text: the data may be a view of a larger socket read, which it would keep alive
      received.push(data.toString())
      if (!paused && unwritten() >= highWater) {
        paused = true
        socket.pause()
      }
      void drain()
    })
    const closed = new Promise<void>((resolve) => {
      socket.on('error', (err) => {
        this.health.failed(url, err)
        opts.onError?.('connection_error')
      })
      socket.on('close', () => resolve())
    })
    const onAbort = () => socket.close()
    this.abort.signal.addEventListener('abort', onAbort)
    await closed
    clearInterval(timer)
    this.abort.signal.removeEventListener('abort', onAbort)
    // what arrived before the close is as good as any: write it before reconnecting
    await drain()
    if (!this.abort.signal.aborted && !failure) this.health.failed(url, 'connection closed')
    return delivered
  }

  /** A batch (or the cursor) waits for the database: said once, then every 20 tries. */
  private databaseAway(err: unknown, attempt: number, delayMs: number): void {
    this.health.writeFailed(err)
    this.opts.onError?.('database_unavailable')
    warnWhileDatabaseUnavailable(
      this.opts.logger,
      'jetstream: the database is unreachable; retrying the batch, the stream paused',
    )(err, attempt, delayMs)
  }

  async destroy(): Promise<void> {
    this.abort.abort()
    await this.running
    this.health.stopped()
  }
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms)
    signal.addEventListener('abort', () => {
      clearTimeout(t)
      resolve()
    })
  })
}
