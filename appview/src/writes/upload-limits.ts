import { RateLimitExceededError, type RateLimiterStatus } from '@atproto/xrpc-server'
import type { IndexSchema, Tx } from '@plyr/db'
import { type Kysely, sql } from 'kysely'
import { consumePoints, currentWindow, type LimitWindow } from './rate-limit.js'

const DAY_MS = 24 * 3600_000
/** When an account at its processing-job limit is told to try again. */
const JOB_RETRY_SECONDS = 30

/** What a response needs to carry `Retry-After`. */
type HeaderSink = { setHeader(name: string, value: string): void }

/**
 * 429 `RateLimitExceeded` with `Retry-After` (set on `res`, as xrpc-server's own limits
 * do): `retryMs` from now the account may try again.
 */
export function limitExceeded(
  res: HeaderSink,
  message: string,
  limit: number,
  used: number,
  retryMs: number,
): RateLimitExceededError {
  const seconds = Math.max(1, Math.ceil(retryMs / 1000))
  res.setHeader('Retry-After', String(seconds))
  const status: RateLimiterStatus = {
    limit,
    duration: 0,
    remainingPoints: Math.max(0, limit - used),
    msBeforeNext: retryMs,
    consumedPoints: used,
    isFirstInDuration: false,
  }
  return new RateLimitExceededError(status, message)
}

/**
 * The per-account upload volume: the bytes an account uploads (audio and images, counted
 * as they arrive, refused uploads included) in a fixed 24-hour window that starts with
 * its first upload, in `rate_limit` (`upload-bytes:<did>`), so every AppView process on
 * the database counts against the same total.
 */
export class UploadVolume {
  constructor(
    private readonly db: Kysely<IndexSchema>,
    private readonly bytesPerDay: number,
  ) {}

  private key(did: string) {
    return `upload-bytes:${did}`
  }

  private exceeded(res: HeaderSink, window: LimitWindow, adding: number) {
    const used = window.consumed
    return limitExceeded(
      res,
      `this upload would take the account past its ${this.bytesPerDay} bytes a day ` +
        `(${used} used${adding > 0 ? `, ${adding} more declared` : ''}); try again when the day's window ends`,
      this.bytesPerDay,
      used,
      window.window_ends.getTime() - Date.now(),
    )
  }

  /** Refuses at once an upload the account's volume cannot take (`declared`: its length). */
  async check(res: HeaderSink, did: string, declared = 0): Promise<void> {
    const window = await currentWindow(this.db, this.key(did))
    if (window && window.consumed + Math.max(1, declared) > this.bytesPerDay) {
      throw this.exceeded(res, window, declared)
    }
  }

  /** Counts `bytes` more; throws once the account is past its volume. */
  async count(res: HeaderSink, did: string, bytes: number): Promise<void> {
    if (bytes <= 0) return
    const window = await consumePoints(this.db, this.key(did), bytes, DAY_MS)
    if (window.consumed > this.bytesPerDay) throw this.exceeded(res, window, 0)
  }
}

/**
 * Refuses a new processing job while the account has `max` queued or running, inside the
 * transaction that makes the job: a per-account advisory lock orders concurrent requests
 * (on any process), so two cannot both see room for one.
 */
export async function checkJobRoom(
  tx: Tx,
  res: HeaderSink,
  did: string,
  max: number,
): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${`media-jobs:${did}`}))`.execute(tx)
  const { n } = await tx
    .selectFrom('media_job')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('did', '=', did)
    .where('state', 'in', ['queued', 'running'])
    .executeTakeFirstOrThrow()
  if (Number(n) >= max) {
    throw limitExceeded(
      res,
      `${Number(n)} of this account's uploads are still processing; the limit is ${max} at once: ` +
        'try again when one is done',
      max,
      Number(n),
      JOB_RETRY_SECONDS * 1000,
    )
  }
}
