/**
 * Telling "the database is away" (stopped, restarting, unreachable, a dropped connection)
 * from every other error, so that services answer 503 and retry rather than fail.
 */

/** A query that got no answer within the pool's deadline; its connection is dropped. */
export class QueryDeadlineError extends Error {
  constructor(readonly deadlineMs: number) {
    super(`the database did not answer within ${deadlineMs} ms; the connection is dropped`)
    this.name = 'QueryDeadlineError'
  }
}

/** Socket errors of a connection that could not be made or was cut. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
])

/**
 * SQLSTATEs of a server going away or not taking connections: class 08 (connection
 * exception), 57P01 admin_shutdown, 57P02 crash_shutdown, 57P03 cannot_connect_now
 * (starting up, shutting down), 53300 too_many_connections.
 */
const UNAVAILABLE_STATE = /^(08...|57P0[123]|53300)$/

/** What `pg` and `pg-pool` say when a connection ends, cannot be made in time, or is dead. */
const PG_MESSAGES = [
  'Connection terminated',
  'timeout exceeded when trying to connect',
  'is not queryable',
  'Query read timeout',
]

/** Whether `err` (or what caused it) means the database cannot be reached right now. */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!(err instanceof Error) || depth > 4) return false
  if (err instanceof QueryDeadlineError) return true
  const code = (err as { code?: unknown }).code
  if (typeof code === 'string' && (NETWORK_CODES.has(code) || UNAVAILABLE_STATE.test(code))) {
    return true
  }
  if (PG_MESSAGES.some((m) => err.message.includes(m))) return true
  // a connection to a name with several addresses fails with every address's error
  if (err instanceof AggregateError && err.errors.some((e) => isDatabaseUnavailable(e, depth + 1)))
    return true
  return isDatabaseUnavailable(err.cause, depth + 1)
}

export type RetryOptions = {
  /** Stops retrying (the last error is thrown). */
  signal: AbortSignal
  /** Told of each failure before its wait. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void
  /** The first wait; each failure doubles it up to `maxDelayMs`. */
  firstDelayMs?: number
  maxDelayMs?: number
}

/**
 * Runs `fn` until it succeeds, waiting with backoff (250 ms doubling to 5 s) whenever it
 * fails because the database is away; any other error, or `signal` aborting, ends it with
 * that error. Five seconds at most between tries: work resumes within that of the
 * database's return, however long it was away.
 */
export async function retryWhileDatabaseUnavailable<T>(
  fn: () => Promise<T>,
  { signal, onRetry, firstDelayMs = 250, maxDelayMs = 5000 }: RetryOptions,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn()
    } catch (err) {
      if (!isDatabaseUnavailable(err) || signal.aborted) throw err
      const delayMs = Math.min(maxDelayMs, firstDelayMs * 2 ** (attempt - 1))
      onRetry?.(err, attempt, delayMs)
      await wait(delayMs, signal)
      if (signal.aborted) throw err
    }
  }
}

/**
 * An `onRetry` that warns through `logger` that the database is away: on the first
 * failure, then every 20th, so a long outage is said without flooding the log.
 */
export function warnWhileDatabaseUnavailable(
  logger: { warn: (obj: object, msg: string) => void },
  message: string,
): NonNullable<RetryOptions['onRetry']> {
  return (err, attempt, retryInMs) => {
    if (attempt === 1 || attempt % 20 === 0)
      logger.warn({ err: String(err), attempt, retryInMs }, message)
  }
}

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
}
