import pg from 'pg'
import type { Logger } from 'pino'
import { LABELS_CHANNEL, type LabelRow, type LabelStore } from './store.js'

/** The most recent labels kept in memory for live subscribers. */
const RECENT = 10_000
const PAGE = 1_000

export type FeedOptions = {
  /** Postgres: new labels are announced by NOTIFY; unset (PGlite): only this process writes. */
  databaseUrl?: string
  /** A safety poll for announcements missed while the listener reconnects. */
  pollMs: number
  logger: Logger
}

/**
 * What live subscribers of one process read: the highest committed seq and the most recent
 * labels, loaded once per announcement however many subscribers wait. An announcement is a
 * commit by this process (`refresh()`), a NOTIFY from any process on the same Postgres, or
 * the safety poll. Subscribers behind the recent window read pages from the database.
 */
export class LabelFeed {
  private head: number
  /** `recent` holds every label numbered in (recentFrom, head]. */
  private recentFrom: number
  private recent: LabelRow[] = []
  private readonly waiters = new Set<() => void>()
  private running?: Promise<void>
  private pending?: Promise<void>
  private listener?: pg.Client
  private poll?: NodeJS.Timeout
  private reconnect?: NodeJS.Timeout
  private stopped = false

  private constructor(
    private readonly store: LabelStore,
    private readonly opts: FeedOptions,
    head: number,
  ) {
    this.head = head
    this.recentFrom = head
  }

  static async start(store: LabelStore, opts: FeedOptions): Promise<LabelFeed> {
    const feed = new LabelFeed(store, opts, await store.head())
    if (opts.databaseUrl) await feed.listen(opts.databaseUrl)
    feed.poll = setInterval(() => void feed.refresh().catch(() => {}), opts.pollMs)
    feed.poll.unref()
    return feed
  }

  /** The highest seq this process knows to be committed. */
  get seq(): number {
    return this.head
  }

  /** Loads the labels committed since the last load; concurrent calls share loads. */
  refresh(): Promise<void> {
    if (this.running) {
      this.pending ??= this.running.then(() => {
        this.pending = undefined
        return this.refresh()
      })
      return this.pending
    }
    this.running = this.load().finally(() => {
      this.running = undefined
    })
    return this.running
  }

  /**
   * Labels this process just committed: delivered at once when they follow the head
   * directly (nothing another process committed can sit between them), without reading
   * them back; otherwise loaded with whatever came before them.
   */
  committed(rows: LabelRow[]): Promise<void> {
    const sorted = [...rows].sort((a, b) => Number(a.seq) - Number(b.seq))
    const first = sorted[0]
    if (!first || Number(sorted.at(-1)!.seq) <= this.head) return Promise.resolve()
    if (Number(first.seq) !== this.head + 1) return this.refresh()
    this.push(sorted)
    return Promise.resolve()
  }

  private async load(): Promise<void> {
    for (;;) {
      const rows = await this.store.after(this.head, PAGE)
      // what `committed` delivered while this read was under way is not pushed twice
      const fresh = rows.filter((r) => Number(r.seq) > this.head)
      if (fresh.length > 0) this.push(fresh)
      if (rows.length < PAGE) break
    }
  }

  private push(rows: LabelRow[]): void {
    this.recent.push(...rows)
    this.head = Number(rows[rows.length - 1]!.seq)
    if (this.recent.length > RECENT) {
      const cut = this.recent.length - RECENT
      this.recentFrom = Number(this.recent[cut - 1]!.seq)
      this.recent = this.recent.slice(cut)
    }
    for (const wake of this.waiters) wake()
  }

  /** The labels after `seq` held in memory; undefined when `seq` is older than them. */
  recentAfter(seq: number, limit: number): LabelRow[] | undefined {
    if (seq < this.recentFrom) return undefined
    let lo = 0
    let hi = this.recent.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (Number(this.recent[mid]!.seq) <= seq) lo = mid + 1
      else hi = mid
    }
    return this.recent.slice(lo, lo + limit)
  }

  /** Once the feed is stopped, subscribers end. */
  get closed(): boolean {
    return this.stopped
  }

  /** Resolves once a label numbered after `seq` is committed, or `signal` aborts. */
  waitAfter(seq: number, signal: AbortSignal): Promise<void> {
    if (this.head > seq || signal.aborted || this.stopped) return Promise.resolve()
    return new Promise<void>((resolve) => {
      const done = () => {
        this.waiters.delete(wake)
        signal.removeEventListener('abort', done)
        resolve()
      }
      const wake = () => {
        if (this.head > seq || this.stopped) done()
      }
      this.waiters.add(wake)
      signal.addEventListener('abort', done)
    })
  }

  private async listen(url: string): Promise<void> {
    const client = new pg.Client({ connectionString: url })
    client.on('notification', () => void this.refresh().catch(() => {}))
    client.on('error', (err) => {
      this.opts.logger.warn({ err }, 'label listener lost; reconnecting')
      this.relisten(url)
    })
    await client.connect()
    await client.query(`listen ${LABELS_CHANNEL}`)
    this.listener = client
    // what committed before LISTEN took effect
    await this.refresh()
  }

  private relisten(url: string): void {
    const old = this.listener
    this.listener = undefined
    void old?.end().catch(() => {})
    if (this.stopped || this.reconnect) return
    this.reconnect = setTimeout(() => {
      this.reconnect = undefined
      this.listen(url).catch((err: unknown) => {
        this.opts.logger.warn({ err }, 'label listener could not reconnect')
        this.relisten(url)
      })
    }, 1000)
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearInterval(this.poll)
    clearTimeout(this.reconnect)
    for (const wake of this.waiters) wake()
    await this.listener?.end().catch(() => {})
    await this.running?.catch(() => {})
  }
}
