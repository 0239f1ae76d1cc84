import type { Kysely } from 'kysely'

/**
 * The AppView's subscriptions to accepted labelers (appview/src/labels/): per labeler DID,
 * the seq of the last label applied to `label`, saved in the transaction that applied it.
 * Written only by the AppView's label subscription.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('label_subscription')
    .addColumn('labeler', 'text', (c) => c.primaryKey())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('label_subscription').execute()
}
