import type { Request, Response } from 'express'
import { sql } from 'kysely'
import type { AppContext } from '../context.js'

/**
 * GET /health: 200 when the database answers; the indexer's source is reported and
 * turns the status to "degraded" (still 200: reads keep working) when it is unreachable.
 */
export function healthHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    let database = 'ok'
    try {
      await sql`select 1`.execute(ctx.db)
    } catch (err) {
      database = `error: ${String(err)}`
    }
    const indexer = ctx.indexerHealth?.()
    const status =
      database !== 'ok' ? 'error' : indexer && indexer.state !== 'connected' ? 'degraded' : 'ok'
    res.status(database === 'ok' ? 200 : 503).json({ status, database, indexer: indexer ?? null })
  }
}
