import { databaseHealth, healthAnswer } from '@plyr/db'
import type { Request, Response } from 'express'
import type { AppContext } from '../context.js'

/**
 * GET /health: 200 when the database answers. Each other part running in this process
 * (the indexer, ...) reports under its name; a degraded one makes the status "degraded"
 * (still 200: reads keep working). When the database does not answer, the status is
 * "down", `database` says "unavailable" and `databaseError` why, and the answer is 503.
 */
export function healthHandler(ctx: AppContext) {
  return async (_req: Request, res: Response) => {
    const parts = Object.fromEntries(ctx.parts.map((p) => [p.name, p.health()]))
    const { httpStatus, body } = healthAnswer(await databaseHealth(ctx.db), parts)
    res.status(httpStatus).json(body)
  }
}
