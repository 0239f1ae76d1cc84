import type { IdResolver } from '@atproto/identity'
import { parseAccount, parseCommitAuthenticated, parseIdentity, type Event } from '@atproto/sync'
import { Subscription } from '@atproto/xrpc-server'
import { com } from '@plyr/lexicons'
import { retryWhileDatabaseUnavailable, warnWhileDatabaseUnavailable } from '@plyr/db'
import type { Logger } from 'pino'
import type { IndexEvent } from '../events.js'
import type { Processor } from '../processor.js'
import { HealthTracker } from './health.js'

type Message = com.atproto.sync.subscribeRepos.$Message
const messages = com.atproto.sync.subscribeRepos

export type FirehoseSourceOptions = {
  url: string
  processor: Processor
  resolver: IdResolver
  /** Collections to keep (exact NSIDs); everything else in a commit is dropped. */
  collections: string[]
  loadCursor: (source: string) => Promise<number | undefined>
  /** Saves where a start with no saved cursor began (a seq); keeps a cursor already saved. */
  saveStartingCursor: (source: string, cursor: number) => Promise<void>
  logger: Logger
  onError?: (reason: string) => void
  maxReconnectSeconds?: number
}

/**
 * Reads a repo firehose (com.atproto.sync.subscribeRepos), verifying commit signatures
 * against the repo's DID document. Events are applied one message at a time, in order:
 * the next message is not read until the previous one is committed (backpressure).
 */
export class FirehoseSource {
  /** Cursors are per host: another host's sequence numbers mean nothing here. */
  readonly name: string
  private readonly abort = new AbortController()
  private running?: Promise<void>
  readonly health: HealthTracker

  constructor(private readonly opts: FirehoseSourceOptions) {
    this.name = `firehose ${opts.url}`
    this.health = new HealthTracker('firehose', [opts.url])
  }

  start(): void {
    this.running ??= this.run()
  }

  private async run(): Promise<void> {
    const { opts } = this
    const wanted = new Set(opts.collections)
    // subscribed with no saved cursor (live): the first message's seq is saved before it
    // is applied, so a start killed before its first message commits resumes from there
    let starting = false
    const sub = new Subscription<Message>({
      service: opts.url,
      method: messages.$lxm,
      signal: this.abort.signal,
      maxReconnectSeconds: opts.maxReconnectSeconds ?? 30,
      getParams: async () => {
        const cursor = await retryWhileDatabaseUnavailable(() => opts.loadCursor(this.name), {
          signal: this.abort.signal,
          onRetry: (err, attempt, delayMs) => this.databaseAway(err, attempt, delayMs),
        })
        starting = cursor === undefined
        return starting ? undefined : { cursor }
      },
      validate: (value) => {
        const result = messages.$message.safeParse(value)
        if (result.success) return result.value
        opts.logger.warn({ err: result.reason.message }, 'firehose: dropping malformed message')
        return undefined
      },
      onReconnectError: (err, attempt) => {
        this.health.failed(opts.url, err)
        opts.onError?.('connection_error')
        opts.logger.warn(
          { url: opts.url, attempt, err: String(err) },
          'firehose unreachable; still serving from the index, retrying with backoff',
        )
      },
    })
    this.health.connecting(opts.url)
    let failures = 0
    while (!this.abort.signal.aborted) {
      try {
        for await (const msg of sub) {
          this.health.connected(opts.url)
          failures = 0
          const seq = 'seq' in msg && typeof msg.seq === 'number' ? msg.seq : undefined
          if (seq === undefined) continue
          if (starting) {
            await retryWhileDatabaseUnavailable(() => opts.saveStartingCursor(this.name, seq - 1), {
              signal: this.abort.signal,
              onRetry: (err, attempt, delayMs) => this.databaseAway(err, attempt, delayMs),
            })
            starting = false
          }
          const events = await this.parse(msg, wanted)
          // Resume re-reads this message: its ops are idempotent, and a crash between two
          // of them can lose nothing.
          // while the database is away the message is retried, the subscription waiting
          await retryWhileDatabaseUnavailable(
            () => opts.processor.apply(events, { source: this.name, value: seq - 1 }),
            {
              signal: this.abort.signal,
              onRetry: (err, attempt, delayMs) => this.databaseAway(err, attempt, delayMs),
            },
          )
          const time = 'time' in msg && typeof msg.time === 'string' ? Date.parse(msg.time) : NaN
          this.health.processed(opts.url, Number.isNaN(time) ? undefined : time)
        }
      } catch (err) {
        if (this.abort.signal.aborted) break
        // the subscription reconnects by itself; this is a failure to write (or to read)
        // a message: resubscribe from the saved cursor after a pause
        this.health.failed(opts.url, err)
        opts.onError?.('batch_failed')
        opts.logger.error(
          { err },
          'firehose: processing failed; resubscribing from the saved cursor',
        )
        await new Promise((r) => setTimeout(r, Math.min(30_000, 500 * 2 ** failures++)))
      }
    }
  }

  private async parse(msg: Message, wanted: Set<string>): Promise<IndexEvent[]> {
    const { resolver, logger } = this.opts
    try {
      if (messages.commit.$isTypeOf(msg)) {
        const evts = await parseCommitAuthenticated(resolver, msg, (c) => wanted.has(c))
        return evts.map(toIndexEvent)
      }
      if (messages.identity.$isTypeOf(msg)) {
        const evt = await parseIdentity(resolver, msg)
        return evt ? [toIndexEvent(evt)] : []
      }
      if (messages.account.$isTypeOf(msg)) {
        const evt = parseAccount(msg)
        return evt ? [toIndexEvent(evt)] : []
      }
    } catch (err) {
      this.opts.onError?.('verification_failed')
      logger.warn({ err: String(err) }, 'firehose: skipping a message that failed verification')
    }
    return []
  }

  /** A message (or the cursor) waits for the database: said once, then every 20 tries. */
  private databaseAway(err: unknown, attempt: number, delayMs: number): void {
    this.health.writeFailed(err)
    this.opts.onError?.('database_unavailable')
    warnWhileDatabaseUnavailable(
      this.opts.logger,
      'firehose: the database is unreachable; retrying the message, the stream waiting',
    )(err, attempt, delayMs)
  }

  async destroy(): Promise<void> {
    this.abort.abort()
    await this.running
    this.health.stopped()
  }
}

function toIndexEvent(evt: Event): IndexEvent {
  switch (evt.event) {
    case 'create':
    case 'update':
      return {
        kind: 'commit',
        op: evt.event,
        did: evt.did,
        collection: evt.collection,
        rkey: evt.rkey,
        uri: evt.uri.toString(),
        rev: evt.rev,
        time: relayTime(evt.time),
        cid: evt.cid.toString(),
        record: evt.record,
      }
    case 'delete':
      return {
        kind: 'commit',
        op: 'delete',
        did: evt.did,
        collection: evt.collection,
        rkey: evt.rkey,
        uri: evt.uri.toString(),
        rev: evt.rev,
        time: relayTime(evt.time),
      }
    case 'identity':
      return { kind: 'identity', did: evt.did }
    case 'account':
      return { kind: 'account', did: evt.did, active: evt.active, status: evt.status }
    case 'sync':
      throw new Error('sync events are not parsed')
  }
}

/** The commit's time as ms since the epoch; undefined when it does not parse. */
function relayTime(time: string): number | undefined {
  const ms = Date.parse(time)
  return Number.isNaN(ms) ? undefined : ms
}
