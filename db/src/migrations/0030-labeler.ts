import { type Kysely, sql } from 'kysely'

/**
 * The labeler's own log of the labels it signed (labeler/): every label and negation in
 * the order they were made, numbered by `seq`, the cursor of subscribeLabels. `cts` and
 * `exp` are kept as the exact strings that were signed, so a label is re-sent byte for
 * byte. `superseded` marks a label a newer one for the same (src, uri, val) replaced: such
 * rows are what compaction removes. Written only by the labeler; the AppView's `label`
 * table is filled from it through the AppView's subscription.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('labeler_label')
    .addColumn('seq', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('src', 'text', (c) => c.notNull())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('cid', 'text')
    .addColumn('val', 'text', (c) => c.notNull())
    .addColumn('neg', 'boolean', (c) => c.notNull())
    .addColumn('cts', 'text', (c) => c.notNull())
    .addColumn('exp', 'text')
    .addColumn('sig', 'bytea', (c) => c.notNull())
    .addColumn('superseded', 'boolean', (c) => c.notNull().defaultTo(false))
    .execute()
  // queryLabels: the current labels under a uri prefix, in seq order
  await sql`create index labeler_label_current_idx on labeler_label (uri text_pattern_ops, seq)
    where not superseded`.execute(db)
  // creating a label supersedes the current one of its (src, uri, val)
  await sql`create index labeler_label_key_idx on labeler_label (src, uri, val)
    where not superseded`.execute(db)
  // the highest seq compaction removed rows up to: an older cursor is OutdatedCursor
  await db.schema
    .createTable('labeler_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('compacted_through', 'bigint', (c) => c.notNull())
    .execute()
  await sql`insert into labeler_state (id, compacted_through) values (1, 0)`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('labeler_state').execute()
  await db.schema.dropTable('labeler_label').execute()
}
