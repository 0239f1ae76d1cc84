import { type Kysely, sql } from 'kysely'

/**
 * Sign-in: the AppView's own tables, written by it alone (appview/src/oauth/). Secrets are
 * never stored in the clear: `sealed` columns hold AES-256-GCM ciphertext under a key
 * derived from SESSION_SECRET, and cookie values and developer tokens are stored only as
 * SHA-256 hashes.
 *
 * - `oauth_state`: a sign-in between its redirect to the authorization server and the
 *   callback (PKCE verifier, DPoP key, where to go back), for a few minutes;
 * - `oauth_grant`: one OAuth grant at an account's PDS (tokens, DPoP key, client auth
 *   method): a browser's sign-in to one account, or one developer token;
 * - `browser_session`: a browser's session cookie (its hash), with the account it acts as;
 * - `browser_account`: the accounts signed in on that browser, each with its own grant;
 * - `developer_token`: a token for scripts (its hash), named, with its own grant;
 * - `oauth_lock`: leases that let one process at a time refresh a grant's tokens (a
 *   refresh token works once: two refreshes of one grant would end it).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('oauth_state')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('oauth_state_expires_idx')
    .on('oauth_state')
    .column('expires_at')
    .execute()

  await db.schema
    .createTable('oauth_grant')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('sealed', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('oauth_grant_did_idx').on('oauth_grant').column('did').execute()

  await db.schema
    .createTable('browser_session')
    .addColumn('id_hash', 'text', (c) => c.primaryKey())
    .addColumn('active_did', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('browser_session_expires_idx')
    .on('browser_session')
    .column('expires_at')
    .execute()

  await db.schema
    .createTable('browser_account')
    .addColumn('session_hash', 'text', (c) =>
      c.notNull().references('browser_session.id_hash').onDelete('cascade'),
    )
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) =>
      c.notNull().references('oauth_grant.id').onDelete('cascade'),
    )
    .addColumn('handle', 'text')
    .addColumn('display_name', 'text')
    .addColumn('added_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('browser_account_pkey', ['session_hash', 'did'])
    .execute()
  await db.schema
    .createIndex('browser_account_grant_idx')
    .on('browser_account')
    .column('grant_id')
    .execute()

  await db.schema
    .createTable('developer_token')
    .addColumn('prefix', 'text', (c) => c.primaryKey())
    .addColumn('token_hash', 'text', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) =>
      c.notNull().references('oauth_grant.id').onDelete('cascade'),
    )
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('expires_at', 'timestamptz')
    .execute()
  await db.schema
    .createIndex('developer_token_did_idx')
    .on('developer_token')
    .column('did')
    .execute()
  await db.schema
    .createIndex('developer_token_grant_idx')
    .on('developer_token')
    .column('grant_id')
    .execute()

  await db.schema
    .createTable('oauth_lock')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('holder', 'text', (c) => c.notNull())
    .addColumn('expires_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'oauth_lock',
    'developer_token',
    'browser_account',
    'browser_session',
    'oauth_grant',
    'oauth_state',
  ]) {
    await db.schema.dropTable(table).execute()
  }
}
