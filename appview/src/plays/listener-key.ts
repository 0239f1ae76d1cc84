import { createHmac, randomBytes } from 'node:crypto'
import { type Kysely, sql } from 'kysely'
import type { IndexSchema } from '@plyr/db'

/**
 * An anonymous listener's key of the day: HMAC-SHA256 of their address and user agent
 * under a random salt made for the day (shared by every AppView process through
 * `play_salt`). The same client has the same key all day, so its replays and bursts are
 * recognised; the address is never stored, and once the day's salt is deleted (the day
 * after) no key can be traced back to an address, nor linked to the next day's.
 */
export async function anonymousListenerKey(
  db: Kysely<IndexSchema>,
  address: string,
  userAgent: string,
): Promise<string> {
  const salt = await saltOfToday(db)
  return createHmac('sha256', salt).update(`${address}\n${userAgent}`).digest('base64url')
}

async function saltOfToday(db: Kysely<IndexSchema>): Promise<string> {
  const found = await db
    .selectFrom('play_salt')
    .select('salt')
    .where('day', '=', sql<string>`current_date`)
    .executeTakeFirst()
  if (found) return found.salt
  await db
    .deleteFrom('play_salt')
    .where('day', '<', sql<string>`current_date`)
    .execute()
  // two processes may make the day's salt at once: the first one stored wins
  await db
    .insertInto('play_salt')
    .values({ day: sql<string>`current_date`, salt: randomBytes(32).toString('base64url') })
    .onConflict((oc) => oc.column('day').doNothing())
    .execute()
  const stored = await db
    .selectFrom('play_salt')
    .select('salt')
    .where('day', '=', sql<string>`current_date`)
    .executeTakeFirstOrThrow()
  return stored.salt
}
