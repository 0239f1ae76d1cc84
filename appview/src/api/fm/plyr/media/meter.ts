import { RateLimitExceededError } from '@atproto/xrpc-server'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { UploadVolume } from '../../../../writes/upload-limits.js'
import { reportReceived } from './progress.js'

/** How often, at most, what an upload received so far is written while it streams. */
const FLUSH_MS = 250

type HeaderSink = { setHeader(name: string, value: string): void }

/**
 * Counts an upload as it streams: a few times a second (never per chunk, never awaited by
 * the stream) the new bytes are counted against the account's daily volume and, when a
 * client follows the upload, written to its progress row. Past the volume, `signal`
 * aborts the upload with the 429. A store that fails lets the upload through (logged),
 * as the write limit does: a limit is no reason to refuse service.
 */
export class UploadMeter {
  private readonly abort = new AbortController()
  readonly signal = this.abort.signal
  private received = 0
  private counted = 0
  private flushedAt = Date.now()
  private flushing: Promise<void> | undefined

  constructor(
    private readonly db: Kysely<IndexSchema>,
    private readonly logger: Logger,
    private readonly res: HeaderSink,
    private readonly did: string,
    private readonly volume: UploadVolume,
    /** the progress row, when a client follows the upload */
    private readonly progressId?: string,
  ) {}

  /** stageUpload's `onBytes`: cheap, synchronous; starts a flush when one is due. */
  readonly onBytes = (received: number): void => {
    this.received = received
    if (this.flushing || Date.now() - this.flushedAt < FLUSH_MS) return
    this.flushing = this.flush()
      .catch((err: unknown) => {
        if (err instanceof RateLimitExceededError) this.abort.abort(err)
      })
      .finally(() => (this.flushing = undefined))
  }

  /** Once the body is staged (`size` bytes): counts the rest; throws past the volume. */
  async finish(size: number): Promise<void> {
    await this.flushing
    if (this.signal.aborted) throw this.signal.reason
    this.received = size
    await this.flush()
  }

  private async flush(): Promise<void> {
    this.flushedAt = Date.now()
    const received = this.received
    const bytes = received - this.counted
    this.counted = received
    const [counted, reported] = await Promise.allSettled([
      this.volume.count(this.res, this.did, bytes),
      this.progressId ? reportReceived(this.db, this.progressId, received) : undefined,
    ])
    for (const result of [counted, reported]) {
      if (result.status === 'fulfilled') continue
      if (result.reason instanceof RateLimitExceededError) throw result.reason
      this.logger.error({ err: result.reason }, 'upload accounting failed: upload let through')
    }
  }
}
