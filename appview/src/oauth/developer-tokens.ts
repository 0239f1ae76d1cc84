import { randomBytes, timingSafeEqual } from 'node:crypto'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import { hashSecret } from './browser-sessions.js'

/** A token as its owner sees it listed: never the token itself. */
export type TokenInfo = { prefix: string; name: string; createdAt: Date; expiresAt: Date | null }

export type TokenAccount = { did: string; grantId: string; prefix: string }

/** `plyr_<8 hex characters>_<43 base64url characters>`: the prefix names it in lists. */
const TOKEN_FORMAT = /^plyr_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$/

export function isDeveloperToken(value: string): boolean {
  return value.startsWith('plyr_')
}

/**
 * Developer tokens, for scripts and API clients: each is its own OAuth grant (its own
 * consent at the PDS, DPoP key and refresh token), named, with an optional expiry. The
 * token is shown once; only its SHA-256 is stored, and it is listed and revoked by its
 * prefix. Signing a browser out never touches them.
 */
export class DeveloperTokens {
  constructor(private readonly db: Kysely<IndexSchema>) {}

  /** Makes a token for a grant; returns the token, to be shown once. */
  async create(
    did: string,
    grantId: string,
    name: string,
    expiresAt: Date | null,
  ): Promise<string> {
    for (;;) {
      const prefix = randomBytes(4).toString('hex')
      const token = `plyr_${prefix}_${randomBytes(32).toString('base64url')}`
      const inserted = await this.db
        .insertInto('developer_token')
        .values({
          prefix,
          token_hash: hashSecret(token),
          did,
          name,
          grant_id: grantId,
          expires_at: expiresAt,
        })
        .onConflict((oc) => oc.column('prefix').doNothing())
        .returning('prefix')
        .executeTakeFirst()
      // another token has this prefix: draw again
      if (inserted) return token
    }
  }

  /**
   * The account a token acts for; 'expired' past its expiry; undefined for a token that is
   * malformed, unknown or revoked.
   */
  async verify(token: string): Promise<TokenAccount | 'expired' | undefined> {
    const match = TOKEN_FORMAT.exec(token)
    if (!match) return undefined
    const row = await this.db
      .selectFrom('developer_token')
      .select(['prefix', 'token_hash', 'did', 'grant_id', 'expires_at'])
      .where('prefix', '=', match[1]!)
      .executeTakeFirst()
    if (!row) return undefined
    const given = Buffer.from(hashSecret(token))
    const stored = Buffer.from(row.token_hash)
    if (given.length !== stored.length || !timingSafeEqual(given, stored)) return undefined
    if (row.expires_at && row.expires_at.getTime() <= Date.now()) return 'expired'
    return { did: row.did, grantId: row.grant_id, prefix: row.prefix }
  }

  async list(did: string): Promise<TokenInfo[]> {
    const rows = await this.db
      .selectFrom('developer_token')
      .select(['prefix', 'name', 'created_at', 'expires_at'])
      .where('did', '=', did)
      .orderBy('created_at', 'desc')
      .execute()
    return rows.map((r) => ({
      prefix: r.prefix,
      name: r.name,
      createdAt: r.created_at,
      expiresAt: r.expires_at,
    }))
  }

  /** Deletes one of the account's tokens; returns its grant, to be revoked. */
  async remove(did: string, prefix: string): Promise<string | undefined> {
    const row = await this.db
      .deleteFrom('developer_token')
      .where('did', '=', did)
      .where('prefix', '=', prefix)
      .returning('grant_id')
      .executeTakeFirst()
    return row?.grant_id
  }
}
