import type { Request, Response } from 'express'
import { sql } from 'kysely'
import type { AppContext } from '../context.js'

/**
 * GET /health: 200 when the database answers. Each other part running in this process
 * (the indexer, ...) reports under its name; a degraded one makes the status "degraded"
 * (still 200: reads keep working).
 */
export function healthHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    let database = 'ok'
    try {
      await sql`select 1`.execute(ctx.db)
    } catch (err) {
      database = `error: ${String(err)}`
    }
    const parts = ctx.parts.map((p) => [p.name, p.health()] as const)
    const degraded = parts.some(([, h]) => h.degraded)
    const status = database !== 'ok' ? 'error' : degraded ? 'degraded' : 'ok'
    res
      .status(database === 'ok' ? 200 : 503)
      .json({ status, database, ...Object.fromEntries(parts) })
  }
}
