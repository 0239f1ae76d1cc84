import {
  type CalcKeyFn,
  type CalcPointsFn,
  type HandlerContext,
  RateLimitExceededError,
  type RateLimiterCreator,
  type RateLimiterI,
  type RateLimiterStatus,
} from '@atproto/xrpc-server'
import type { IndexSchema } from '@plyr/db'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { SignedInAuth } from '../auth/viewer-auth.js'

/** The shared limit every write procedure counts against, per account. */
export const WRITE_LIMIT = 'write'

/** A write procedure's `rateLimit`: the account's DID is the key, never one global bucket. */
export const perAccountWrites = {
  name: WRITE_LIMIT,
  calcKey: (ctx: HandlerContext<SignedInAuth>) => ctx.auth.credentials.did,
}

/** Ended windows are swept once this many points have been counted by a process. */
const SWEEP_EVERY = 1000

/**
 * xrpc-server's rate limiting over a table every AppView process shares (`rate_limit`):
 * fixed windows, one row per limit and key, counted by one upsert. When the store fails
 * (the database is away), the request goes through: a limit is no reason to refuse
 * service, and the failure is logged.
 */
export function databaseRateLimiter(
  db: Kysely<IndexSchema>,
  logger: Logger,
): RateLimiterCreator<HandlerContext> {
  let counted = 0
  return <C extends HandlerContext>(opts: {
    keyPrefix: string
    durationMs: number
    points: number
    calcKey: CalcKeyFn<C>
    calcPoints: CalcPointsFn<C>
  }): RateLimiterI<C> => ({
    async consume(ctx, override) {
      const key = (override?.calcKey ?? opts.calcKey)(ctx)
      if (key === null) return null
      const points = (override?.calcPoints ?? opts.calcPoints)(ctx)
      if (points < 1) return null
      let row: LimitWindow
      try {
        row = await consumePoints(db, `${opts.keyPrefix}:${key}`, points, opts.durationMs)
        if ((counted += points) >= SWEEP_EVERY) {
          counted = 0
          await db
            .deleteFrom('rate_limit')
            .where('window_ends', '<', sql<Date>`now()`)
            .execute()
        }
      } catch (err) {
        logger.error({ err, limit: opts.keyPrefix }, 'rate limit store failed: request let through')
        return null
      }
      const status: RateLimiterStatus = {
        limit: opts.points,
        duration: Math.floor(opts.durationMs / 1000),
        remainingPoints: Math.max(0, opts.points - row.consumed),
        msBeforeNext: Math.max(0, row.window_ends.getTime() - Date.now()),
        consumedPoints: row.consumed,
        isFirstInDuration: row.consumed === points,
      }
      if (row.consumed > opts.points) throw new RateLimitExceededError(status)
      return status
    },
    async reset(ctx, override) {
      const key = (override?.calcKey ?? opts.calcKey)(ctx)
      if (key === null) return
      await db.deleteFrom('rate_limit').where('key', '=', `${opts.keyPrefix}:${key}`).execute()
    },
  })
}

/** A limit's window as counted: the points used in it and when it ends. */
export type LimitWindow = { consumed: number; window_ends: Date }

/**
 * Counts `points` against `key` in its fixed window of `durationMs` (a new window starts
 * when the last one has ended), in one upsert; returns the window as counted.
 */
export async function consumePoints(
  db: Kysely<IndexSchema>,
  key: string,
  points: number,
  durationMs: number,
): Promise<LimitWindow> {
  const window = `${durationMs} milliseconds`
  const { rows } = await sql<LimitWindow>`
    insert into rate_limit (key, consumed, window_ends)
    values (${key}, ${points}, now() + ${window}::interval)
    on conflict (key) do update set
      consumed = case when rate_limit.window_ends <= now() then excluded.consumed
        else rate_limit.consumed + excluded.consumed end,
      window_ends = case when rate_limit.window_ends <= now() then excluded.window_ends
        else rate_limit.window_ends end
    returning consumed::float8 as consumed, window_ends
  `.execute(db)
  return rows[0]!
}

/** `key`'s window while it lasts (nothing counted: undefined), without counting. */
export async function currentWindow(
  db: Kysely<IndexSchema>,
  key: string,
): Promise<LimitWindow | undefined> {
  const { rows } = await sql<LimitWindow>`
    select consumed::float8 as consumed, window_ends from rate_limit
    where key = ${key} and window_ends > now()
  `.execute(db)
  return rows[0]
}
