import type { Kysely } from 'kysely'

/**
 * list_item_subject_idx goes: nothing reads list items by their track (lists are read by
 * their own uri, in position order, through the primary key), and every list item the
 * indexer writes paid for an entry in it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropIndex('list_item_subject_idx').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createIndex('list_item_subject_idx')
    .on('list_item')
    .column('subject_uri')
    .execute()
}
