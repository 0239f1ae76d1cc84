import { randomUUID } from 'node:crypto'
import type { IndexSchema } from '@plyr/db'
import { type Kysely, sql } from 'kysely'

export type LockOptions = {
  /** How long a lease holds without being released (a holder that died lets go then). */
  leaseMs: number
  /** How long a caller waits for a lease before giving up. */
  waitMs: number
}

const DEFAULTS: LockOptions = { leaseMs: 60_000, waitMs: 65_000 }

export class LockTimeoutError extends Error {}

/**
 * A lock shared by every process on the database: a lease row in `oauth_lock`, taken by
 * an upsert that succeeds only when no unexpired lease holds the key, and released by its
 * holder. It holds no transaction open while the work runs: PGlite runs one transaction at
 * a time for the whole process, so a transaction held across a PDS call (a token refresh)
 * would stall every other request of an embedded AppView. Waiters poll, with backoff.
 */
export class DatabaseLock {
  private readonly opts: LockOptions

  constructor(
    private readonly db: Kysely<IndexSchema>,
    opts: Partial<LockOptions> = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts }
  }

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const holder = randomUUID()
    const deadline = Date.now() + this.opts.waitMs
    let pause = 20
    while (!(await this.take(key, holder))) {
      if (Date.now() > deadline) throw new LockTimeoutError(`timed out waiting for lock ${key}`)
      await new Promise((resolve) => setTimeout(resolve, pause))
      pause = Math.min(pause * 2, 250)
    }
    try {
      return await work()
    } finally {
      await this.db
        .deleteFrom('oauth_lock')
        .where('key', '=', key)
        .where('holder', '=', holder)
        .execute()
    }
  }

  private async take(key: string, holder: string): Promise<boolean> {
    const lease = `${this.opts.leaseMs} milliseconds`
    const taken = await sql<{ holder: string }>`
      insert into oauth_lock (key, holder, expires_at)
      values (${key}, ${holder}, now() + ${lease}::interval)
      on conflict (key) do update
        set holder = excluded.holder, expires_at = excluded.expires_at
        where oauth_lock.expires_at < now()
      returning holder
    `.execute(this.db)
    return taken.rows.length > 0
  }
}
