import { createHash, randomBytes } from 'node:crypto'
import type { IndexSchema } from '@plyr/db'
import { type Kysely, sql } from 'kysely'
import { SESSION_MAX_AGE_MS } from './cookies.js'

/** An account as found at sign-in, for accounts the index does not know yet. */
export type AccountIdentity = { handle: string | null; displayName: string | null }

export type SignedInAccount = AccountIdentity & { did: string; grantId: string }

export type BrowserSession = {
  /** The SHA-256 of the cookie: the session's key (the cookie itself is never stored). */
  hash: string
  /** The account requests act as, or null once it is gone and none remains. */
  active: SignedInAccount | null
}

const COOKIE_FORMAT = /^[A-Za-z0-9_-]{43}$/

export function hashSecret(value: string): string {
  return createHash('sha256').update(value).digest('base64url')
}

/**
 * Browsers' sessions: a cookie names one session, which holds the accounts signed in on
 * that browser (each through its own grant) and the one requests act as.
 */
export class BrowserSessions {
  constructor(private readonly db: Kysely<IndexSchema>) {}

  /** A new session with one account; returns the cookie value. */
  async create(account: SignedInAccount): Promise<string> {
    const cookie = randomBytes(32).toString('base64url')
    const hash = hashSecret(cookie)
    await this.db.transaction().execute(async (tx) => {
      await tx
        .insertInto('browser_session')
        .values({
          id_hash: hash,
          active_did: account.did,
          expires_at: new Date(Date.now() + SESSION_MAX_AGE_MS),
        })
        .execute()
      await tx.insertInto('browser_account').values(accountRow(hash, account)).execute()
    })
    return cookie
  }

  /**
   * Adds an account to a session and makes it the active one. An account signed in again
   * replaces its grant: the previous grant's id is returned, to be revoked.
   */
  async add(hash: string, account: SignedInAccount): Promise<string | undefined> {
    return this.db.transaction().execute(async (tx) => {
      const previous = await tx
        .selectFrom('browser_account')
        .select('grant_id')
        .where('session_hash', '=', hash)
        .where('did', '=', account.did)
        .executeTakeFirst()
      await tx
        .insertInto('browser_account')
        .values(accountRow(hash, account))
        .onConflict((oc) =>
          oc.columns(['session_hash', 'did']).doUpdateSet({
            grant_id: account.grantId,
            handle: account.handle,
            display_name: account.displayName,
            added_at: sql<Date>`now()`,
          }),
        )
        .execute()
      await tx
        .updateTable('browser_session')
        .set({ active_did: account.did })
        .where('id_hash', '=', hash)
        .execute()
      return previous?.grant_id
    })
  }

  /** The session a cookie names, or undefined for an unknown, malformed or expired one. */
  async find(cookie: string): Promise<BrowserSession | undefined> {
    if (!COOKIE_FORMAT.test(cookie)) return undefined
    const hash = hashSecret(cookie)
    const row = await this.db
      .selectFrom('browser_session as s')
      .leftJoin('browser_account as a', (j) =>
        j.onRef('a.session_hash', '=', 's.id_hash').onRef('a.did', '=', 's.active_did'),
      )
      .select(['s.id_hash', 'a.did', 'a.grant_id', 'a.handle', 'a.display_name'])
      .where('s.id_hash', '=', hash)
      .where('s.expires_at', '>', sql<Date>`now()`)
      .executeTakeFirst()
    if (!row) return undefined
    return {
      hash,
      active:
        row.did && row.grant_id
          ? {
              did: row.did,
              grantId: row.grant_id,
              handle: row.handle,
              displayName: row.display_name,
            }
          : null,
    }
  }

  /** The session's accounts, the most recently added first. */
  async accounts(hash: string): Promise<SignedInAccount[]> {
    const rows = await this.db
      .selectFrom('browser_account')
      .select(['did', 'grant_id', 'handle', 'display_name'])
      .where('session_hash', '=', hash)
      .orderBy('added_at', 'desc')
      .execute()
    return rows.map((r) => ({
      did: r.did,
      grantId: r.grant_id,
      handle: r.handle,
      displayName: r.display_name,
    }))
  }

  /** Makes one of the session's accounts the active one; false if it has no such account. */
  async switch(hash: string, did: string): Promise<boolean> {
    const updated = await this.db
      .updateTable('browser_session')
      .set({ active_did: did })
      .where('id_hash', '=', hash)
      .where(({ exists, selectFrom }) =>
        exists(
          selectFrom('browser_account')
            .select('did')
            .where('session_hash', '=', hash)
            .where('did', '=', did),
        ),
      )
      .executeTakeFirst()
    return updated.numUpdatedRows > 0n
  }

  /**
   * Takes accounts off the session (`did`, or all of them); returns their grants, to be
   * revoked. When the active account goes, the most recently added other one becomes
   * active; a session left with none is deleted. `remaining`: whether the session lives on.
   */
  async remove(hash: string, did?: string): Promise<{ grants: string[]; remaining: boolean }> {
    return this.db.transaction().execute(async (tx) => {
      let removing = tx
        .deleteFrom('browser_account')
        .where('session_hash', '=', hash)
        .returning('grant_id')
      if (did !== undefined) removing = removing.where('did', '=', did)
      const grants = (await removing.execute()).map((r) => r.grant_id)
      return { grants, remaining: await this.reactivate(hash, tx) }
    })
  }

  /**
   * After accounts went (signed out, or their grant expired): keeps the active account if
   * it is still there, else makes the most recent one active, else deletes the session.
   * Returns whether the session lives on.
   */
  async reactivate(hash: string, db: Kysely<IndexSchema> = this.db): Promise<boolean> {
    const next = await db
      .selectFrom('browser_account')
      .select('did')
      .where('session_hash', '=', hash)
      .orderBy(sql`did = (select active_did from browser_session where id_hash = ${hash})`, 'desc')
      .orderBy('added_at', 'desc')
      .executeTakeFirst()
    if (!next) {
      await db.deleteFrom('browser_session').where('id_hash', '=', hash).execute()
      return false
    }
    await db
      .updateTable('browser_session')
      .set({ active_did: next.did })
      .where('id_hash', '=', hash)
      .execute()
    return true
  }

  /** Deletes expired sessions and the grants only they used (not revoked: long stale). */
  async sweep(): Promise<void> {
    await this.db
      .deleteFrom('oauth_grant')
      .where('id', 'in', (eb) =>
        eb
          .selectFrom('browser_account as a')
          .innerJoin('browser_session as s', 's.id_hash', 'a.session_hash')
          .select('a.grant_id')
          .where('s.expires_at', '<', sql<Date>`now()`),
      )
      .execute()
    await this.db
      .deleteFrom('browser_session')
      .where('expires_at', '<', sql<Date>`now()`)
      .execute()
  }
}

function accountRow(hash: string, account: SignedInAccount) {
  return {
    session_hash: hash,
    did: account.did,
    grant_id: account.grantId,
    handle: account.handle,
    display_name: account.displayName,
  }
}
