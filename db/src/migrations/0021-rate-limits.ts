import type { Kysely } from 'kysely'

/**
 * Per-account write limits (appview/src/writes/rate-limit.ts): one row per limit and
 * account, the points used in the current window and when it ends. Shared by every
 * AppView process on the database; rows of ended windows are swept by the AppView.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('rate_limit')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('consumed', 'integer', (c) => c.notNull())
    .addColumn('window_ends', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('rate_limit_window_idx')
    .on('rate_limit')
    .column('window_ends')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('rate_limit').execute()
}
