import { type Kysely, sql } from 'kysely'

/**
 * Tombstones move into `record`, which now holds, per record uri, the newest version the
 * index knows: live (its cid and json) or deleted (its deleted_at, no cid or json). With
 * one row and one rev per uri, a write and a delete alike apply by one upsert guarded by
 * `record.rev < excluded.rev`, in the statement that writes them: no read of the stored
 * revs before (it cost the indexer as much as writing the records), and no window between
 * such a read and the write for a concurrent apply of the same record.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    alter table record
      alter column cid drop not null,
      alter column json drop not null,
      add column deleted_at timestamptz,
      add constraint record_version_check
        check ((deleted_at is null) = (cid is not null and json is not null))
  `.execute(db)
  await sql`
    insert into record (uri, did, collection, rkey, cid, rev, json, indexed_at, deleted_at)
    select uri, did, collection, split_part(uri, '/', 5), null, rev, null, deleted_at,
      deleted_at
    from tombstone
    on conflict (uri) do update set cid = null, rev = excluded.rev, json = null,
      deleted_at = excluded.deleted_at
    where record.rev < excluded.rev
  `.execute(db)
  await db.schema.dropTable('tombstone').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('tombstone')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('rev', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await sql`
    insert into tombstone (uri, did, collection, rev, deleted_at)
    select uri, did, collection, rev, deleted_at from record where deleted_at is not null
  `.execute(db)
  await sql`delete from record where deleted_at is not null`.execute(db)
  await sql`
    alter table record
      drop constraint record_version_check,
      drop column deleted_at,
      alter column cid set not null,
      alter column json set not null
  `.execute(db)
}
