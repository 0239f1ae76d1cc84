import { type Kysely, sql } from 'kysely'

/**
 * Cover art uploaded through plyr (or taken from the audio's embedded picture): the
 * original and its thumbnails, each a stored object; a media version names its image.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media_image')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('original_sha256', 'text', (c) => c.notNull())
    .addColumn('small_sha256', 'text', (c) => c.notNull())
    .addColumn('large_sha256', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  for (const column of ['original_sha256', 'small_sha256', 'large_sha256']) {
    await db.schema
      .createIndex(`media_image_${column}_idx`)
      .on('media_image')
      .column(column)
      .execute()
  }
  await db.schema.alterTable('media_version').addColumn('image_id', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('media_version').dropColumn('image_id').execute()
  await db.schema.dropTable('media_image').execute()
}
