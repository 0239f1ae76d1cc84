import { type Kysely, sql } from 'kysely'
import type { IndexSchema } from './schema.js'

/** What a service's `/health` says of its database. */
export type DatabaseHealth = { database: 'ok' } | { database: 'unavailable'; databaseError: string }

/**
 * Asks the database `select 1`: every service's `/health` reports it the same way. The
 * pool gives up within seconds when the server is away, so this never hangs.
 */
export async function databaseHealth(db: Kysely<IndexSchema>): Promise<DatabaseHealth> {
  try {
    await sql`select 1`.execute(db)
    return { database: 'ok' }
  } catch (err) {
    // a refused connection to a name with two addresses has no message, only a code
    const { message, code } = err as { message?: string; code?: string }
    return { database: 'unavailable', databaseError: message || code || String(err) }
  }
}

/**
 * A service's `/health` answer: 200 "ok", 200 "degraded" when one of its parts is (reads
 * keep working), 503 "down" when the database does not answer.
 */
export function healthAnswer(
  database: DatabaseHealth,
  parts: Record<string, { degraded: boolean }>,
): { httpStatus: 200 | 503; body: Record<string, unknown> } {
  const down = database.database !== 'ok'
  const degraded = Object.values(parts).some((p) => p.degraded)
  return {
    httpStatus: down ? 503 : 200,
    body: { status: down ? 'down' : degraded ? 'degraded' : 'ok', ...database, ...parts },
  }
}
