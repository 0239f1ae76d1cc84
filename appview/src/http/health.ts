import type { Request, Response } from 'express'
import { sql } from 'kysely'
import type { AppContext } from '../context.js'

/**
 * GET /health: 200 when the database answers. The indexer's source, lag and hosts are
 * reported; an unreachable source or a lag past the threshold makes the status
 * "degraded" (still 200: reads keep working).
 */
export function healthHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    let database = 'ok'
    try {
      await sql`select 1`.execute(ctx.db)
    } catch (err) {
      database = `error: ${String(err)}`
    }
    const indexer = ctx.indexer?.health()
    const status = database !== 'ok' ? 'error' : indexer?.degraded ? 'degraded' : 'ok'
    res.status(database === 'ok' ? 200 : 503).json({ status, database, indexer: indexer ?? null })
  }
}
