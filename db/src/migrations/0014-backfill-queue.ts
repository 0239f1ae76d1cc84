import { type Kysely, sql } from 'kysely'

/**
 * Backfill becomes a queue in the database: `backfill_repo` holds every repo whose
 * existing records are to be fetched (an actor seen for the first time, a repo the relay
 * listed, one asked for on the command line), when it is due, its failures and when it was
 * done; a repo done is not fetched again, and an interrupted backfill resumes where it
 * stopped. `backfill_listing` keeps the position of the network-wide enumeration of repos
 * (the relay's listReposByCollection), so that it too resumes after a restart. Each
 * actor's `backfilled_at` moves into the queue.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('backfill_repo')
    .addColumn('did', 'text', (c) => c.primaryKey())
    .addColumn('queued_at', 'timestamptz', (c) => c.notNull())
    .addColumn('due_at', 'timestamptz')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('done_at', 'timestamptz')
    .addColumn('records', 'integer')
    .execute()
  await db.schema
    .createIndex('backfill_repo_due_idx')
    .on('backfill_repo')
    .column('due_at')
    .where(sql.ref('done_at'), 'is', null)
    .execute()
  await db.schema
    .createTable('backfill_listing')
    .addColumn('relay', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('cursor', 'text')
    .addColumn('listed', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('started_at', 'timestamptz', (c) => c.notNull())
    .addColumn('completed_at', 'timestamptz')
    .addPrimaryKeyConstraint('backfill_listing_pkey', ['relay', 'collection'])
    .execute()
  await sql`
    insert into backfill_repo (did, queued_at, due_at, done_at)
    select did, indexed_at, case when backfilled_at is null then now() end, backfilled_at
    from actor
  `.execute(db)
  await db.schema.dropIndex('actor_backfill_idx').execute()
  await db.schema.alterTable('actor').dropColumn('backfilled_at').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('actor').addColumn('backfilled_at', 'timestamptz').execute()
  await sql`
    update actor set backfilled_at = b.done_at from backfill_repo b where b.did = actor.did
  `.execute(db)
  await db.schema
    .createIndex('actor_backfill_idx')
    .on('actor')
    .column('did')
    .where(sql.ref('backfilled_at'), 'is', null)
    .execute()
  await db.schema.dropTable('backfill_listing').execute()
  await db.schema.dropTable('backfill_repo').execute()
}
