import type { Request, Response } from 'express'
import { sql } from 'kysely'
import type { AppContext } from '../context.js'

/**
 * GET /health: 200 when the database answers. Each other part running in this process
 * (the indexer, ...) reports under its name; a degraded one makes the status "degraded"
 * (still 200: reads keep working). When the database does not answer (its pool gives up
 * within seconds, never hangs), the status is "down", `database` says "unavailable" and
 * why, and the answer is 503.
 */
export function healthHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    let databaseError: string | undefined
    try {
      await sql`select 1`.execute(ctx.db)
    } catch (err) {
      // a refused connection to a name with two addresses has no message, only a code
      const { message, code } = err as { message?: string; code?: string }
      databaseError = message || code || String(err)
    }
    const parts = ctx.parts.map((p) => [p.name, p.health()] as const)
    const degraded = parts.some(([, h]) => h.degraded)
    const status = databaseError !== undefined ? 'down' : degraded ? 'degraded' : 'ok'
    res.status(databaseError === undefined ? 200 : 503).json({
      status,
      ...(databaseError === undefined
        ? { database: 'ok' }
        : { database: 'unavailable', databaseError }),
      ...Object.fromEntries(parts),
    })
  }
}
