import type { Kysely } from 'kysely'

/**
 * Moderation labels (com.atproto.label.defs#label), the newest state per (src, uri, val):
 * a negation overwrites the label it negates. Written by the labeler (and by a label
 * subscription); the AppView reads it to hide and annotate.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('label')
    .addColumn('src', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('cid', 'text')
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('neg', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('cts', 'timestamptz', (c) => c.notNull())
    .addColumn('exp', 'timestamptz')
    .addColumn('sig', 'bytea')
    .addPrimaryKeyConstraint('label_pkey', ['src', 'uri', 'val'])
    .execute()
  // the read path asks "which labels does this subject carry": by uri, then source
  await db.schema.createIndex('label_uri_idx').on('label').columns(['uri', 'src']).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('label').execute()
}
