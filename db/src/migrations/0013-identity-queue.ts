import { type Kysely, sql } from 'kysely'

/**
 * Identity lookups (handle, PDS, display name) leave the indexer's write path: an actor's
 * row is written at once with what is known, and `identity_due_at` says when their
 * identity is to be resolved (null: resolved, nothing due). The indexer's identity
 * resolver takes due actors in the background, retrying failures with backoff
 * (`identity_attempts`), so a slow or unreachable directory delays handles, never
 * records, and a restart loses no pending lookup.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('actor')
    .addColumn('identity_due_at', 'timestamptz')
    .addColumn('identity_attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createIndex('actor_identity_due_idx')
    .on('actor')
    .column('identity_due_at')
    .where(sql.ref('identity_due_at'), 'is not', null)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('actor_identity_due_idx').execute()
  await db.schema
    .alterTable('actor')
    .dropColumn('identity_due_at')
    .dropColumn('identity_attempts')
    .execute()
}
