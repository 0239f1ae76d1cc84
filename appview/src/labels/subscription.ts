import { verifySignature } from '@atproto/crypto'
import { decodeAll, encode } from '@atproto/lex-cbor'
import type { IdResolver } from '@atproto/identity'
import type { IndexSchema } from '@plyr/db'
import type { UnsignedLabel } from '@plyr/labeler'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { Counter, Registry } from 'prom-client'
import WebSocket from 'ws'
import { type LabelerIdentity, resolveLabeler } from './labeler-identity.js'

/** A label as it arrives in a `#labels` frame: what was signed, its version and signature. */
type WireLabel = UnsignedLabel & { ver?: number; sig: Uint8Array }

const PAUSE_AT = 2_000
const RESUME_AT = 200
/** A key is fetched again on a bad signature at most this often (key rotation). */
const REFRESH_KEY_MS = 10_000

/**
 * One subscription per accepted labeler (ACCEPTED_LABELERS): resolves its
 * `#atproto_labeler` endpoint and `#atproto_label` key, subscribes to
 * `com.atproto.label.subscribeLabels` from the saved cursor, verifies every label's
 * signature (re-resolving the key once when one fails, for a rotated key; a label that
 * still fails is refused and counted) and applies the labels to `label` together with the
 * cursor, in one transaction. A dropped connection is retried with backoff and resumes
 * from the cursor: nothing is lost across a restart. The only writer of `label` and
 * `label_subscription`.
 */
export class LabelSubscriptions {
  readonly registry = new Registry()
  private readonly applied = new Counter({
    name: 'plyr_labels_applied_total',
    help: 'labels from accepted labelers applied to the label table',
    labelNames: ['labeler'],
    registers: [this.registry],
  })
  private readonly rejected = new Counter({
    name: 'plyr_labels_rejected_total',
    help: 'labels refused: bad signature (after re-resolving the key) or another source',
    labelNames: ['labeler'],
    registers: [this.registry],
  })
  private readonly subs: LabelerSubscription[]

  constructor(
    labelers: string[],
    db: Kysely<IndexSchema>,
    resolver: IdResolver,
    private readonly logger: Logger,
  ) {
    this.subs = labelers.map(
      (did) =>
        new LabelerSubscription(did, db, resolver, logger.child({ labeler: did }), {
          applied: (n) => this.applied.inc({ labeler: did }, n),
          rejected: () => this.rejected.inc({ labeler: did }),
        }),
    )
  }

  start(): void {
    for (const sub of this.subs) sub.start()
  }

  health() {
    const labelers = this.subs.map((s) => s.status())
    return { degraded: labelers.some((l) => !l.connected), labelers }
  }

  async destroy(): Promise<void> {
    await Promise.all(this.subs.map((s) => s.stop()))
  }
}

type Counts = { applied(n: number): void; rejected(): void }

class LabelerSubscription {
  private ws?: WebSocket
  private identity?: LabelerIdentity
  private keyFetchedAt = 0
  private cursor = 0
  private connected = false
  private stopped = false
  private failures = 0
  private retry?: NodeJS.Timeout
  private queue: { seq: number; labels: WireLabel[] }[] = []
  private draining?: Promise<void>
  /** The most frames held waiting for the database at once (the socket pauses at PAUSE_AT). */
  private queuedPeak = 0
  rejectedCount = 0

  constructor(
    private readonly did: string,
    private readonly db: Kysely<IndexSchema>,
    private readonly resolver: IdResolver,
    private readonly logger: Logger,
    private readonly counts: Counts,
  ) {}

  status() {
    return {
      did: this.did,
      connected: this.connected,
      cursor: this.cursor,
      rejected: this.rejectedCount,
      queuedPeak: this.queuedPeak,
    }
  }

  start(): void {
    void this.connect()
  }

  private async connect(): Promise<void> {
    if (this.stopped) return
    try {
      this.identity = await resolveLabeler(this.resolver, this.did, this.failures > 0)
      this.keyFetchedAt = Date.now()
      const saved = await this.db
        .selectFrom('label_subscription')
        .select('cursor')
        .where('labeler', '=', this.did)
        .executeTakeFirst()
      this.cursor = Number(saved?.cursor ?? 0)
    } catch (err) {
      this.logger.warn({ err }, 'labeler could not be resolved; retrying')
      return this.reconnectLater()
    }
    if (this.stopped) return
    const url = new URL('/xrpc/com.atproto.label.subscribeLabels', this.identity.endpoint)
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:'
    url.searchParams.set('cursor', String(this.cursor))
    const ws = new WebSocket(url, { maxPayload: 1 << 20 })
    this.ws = ws
    ws.on('open', () => {
      this.connected = true
      this.failures = 0
      this.logger.info({ cursor: this.cursor }, 'subscribed to labeler')
    })
    ws.on('message', (data: Buffer) => this.onFrame(new Uint8Array(data)))
    ws.on('error', (err) => this.logger.warn({ err }, 'labeler connection error'))
    ws.on('close', () => {
      this.connected = false
      if (this.ws === ws) this.ws = undefined
      this.reconnectLater()
    })
  }

  private reconnectLater(): void {
    if (this.stopped || this.retry) return
    this.failures++
    const delay = Math.min(30_000, 250 * 2 ** Math.min(this.failures, 7))
    this.retry = setTimeout(() => {
      this.retry = undefined
      void this.connect()
    }, delay)
  }

  private onFrame(bytes: Uint8Array): void {
    let header: { op?: number; t?: string }
    let body: Record<string, unknown>
    try {
      ;[header, body] = [...decodeAll(bytes)] as [typeof header, typeof body]
    } catch (err) {
      this.logger.warn({ err }, 'undecodable frame from labeler; reconnecting')
      this.ws?.terminate()
      return
    }
    if (header.op === -1) {
      this.logger.warn({ error: body.error, message: body.message }, 'labeler refused the stream')
      if (body.error === 'FutureCursor') {
        // the labeler's log is behind our cursor (restored from a backup): start again
        this.queue.push({ seq: -1, labels: [] })
        void this.drain()
      }
      return
    }
    if (header.t === '#info') {
      this.logger.info({ name: body.name, message: body.message }, 'labeler info')
      return
    }
    if (header.t !== '#labels' || typeof body.seq !== 'number' || !Array.isArray(body.labels)) {
      return
    }
    this.queue.push({ seq: body.seq, labels: body.labels as WireLabel[] })
    this.queuedPeak = Math.max(this.queuedPeak, this.queue.length)
    if (this.queue.length >= PAUSE_AT) this.ws?.pause()
    void this.drain()
  }

  private drain(): Promise<void> {
    this.draining ??= (async () => {
      try {
        while (this.queue.length > 0 && !this.stopped) {
          const batch = this.queue.splice(0, 500)
          await this.apply(batch)
          if (this.queue.length <= RESUME_AT) this.ws?.resume()
        }
      } catch (err) {
        this.logger.error({ err }, 'applying labels failed; resubscribing from the cursor')
        this.queue = []
        this.ws?.terminate()
      } finally {
        this.draining = undefined
      }
    })()
    return this.draining
  }

  private async apply(batch: { seq: number; labels: WireLabel[] }[]): Promise<void> {
    const rows: WireLabel[] = []
    let cursor = this.cursor
    for (const { seq, labels } of batch) {
      if (seq === -1) {
        cursor = 0
        continue
      }
      for (const label of labels) {
        if (await this.verify(label)) rows.push(label)
        else {
          this.rejectedCount++
          this.counts.rejected()
          this.logger.warn({ uri: label.uri, val: label.val }, 'refused a label: bad signature')
        }
      }
      cursor = seq
    }
    await this.db.transaction().execute(async (tx) => {
      for (const l of rows) {
        const values = {
          src: l.src,
          uri: l.uri,
          cid: l.cid ?? null,
          val: l.val,
          neg: l.neg === true,
          cts: l.cts,
          exp: l.exp ?? null,
          sig: l.sig,
        }
        await tx
          .insertInto('label')
          .values(values)
          .onConflict((oc) =>
            oc.columns(['src', 'uri', 'val']).doUpdateSet({
              cid: values.cid,
              neg: values.neg,
              cts: values.cts,
              exp: values.exp,
              sig: values.sig,
            }),
          )
          .execute()
      }
      await tx
        .insertInto('label_subscription')
        .values({ labeler: this.did, cursor })
        .onConflict((oc) => oc.column('labeler').doUpdateSet({ cursor }))
        .execute()
    })
    this.cursor = cursor
    if (rows.length > 0) this.counts.applied(rows.length)
    if (batch.some((b) => b.seq === -1)) this.ws?.terminate()
  }

  /** The label's signature by this labeler's key, fetching the key again once if it fails. */
  private async verify(label: WireLabel): Promise<boolean> {
    if (label.src !== this.did || !(label.sig instanceof Uint8Array)) return false
    const { sig, ...rest } = label
    const unsigned: Record<string, unknown> = { ...rest }
    delete unsigned.$type
    const bytes = encode(unsigned as Parameters<typeof encode>[0])
    const check = () => verifySignature(this.identity!.didKey, bytes, sig).catch(() => false)
    if (await check()) return true
    if (Date.now() - this.keyFetchedAt < REFRESH_KEY_MS) return false
    this.keyFetchedAt = Date.now()
    try {
      this.identity = await resolveLabeler(this.resolver, this.did, true)
    } catch {
      return false
    }
    return check()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.retry)
    this.ws?.terminate()
    await this.draining
  }
}
