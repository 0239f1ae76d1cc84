import { type Kysely, sql } from 'kysely'

/**
 * Media uploaded through plyr (media/, appview/src/media/): stored objects addressed by
 * their SHA-256, uploads not yet made into tracks, the processing jobs, and each track's
 * media versions with their analysis. An object is referenced by uploads, unfinished
 * jobs and versions; it is deleted when nothing references it.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media_object')
    .addColumn('sha256', 'text', (c) => c.primaryKey())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('content_type', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createTable('media_upload')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('media_upload_sha_idx').on('media_upload').column('sha256').execute()
  await db.schema
    .createTable('media_job')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('grant_id', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('rkey', 'text', (c) => c.notNull())
    .addColumn('input', 'jsonb', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('stage', 'text', (c) => c.notNull())
    .addColumn('percent', 'integer')
    .addColumn('error', 'text')
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('locked_until', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema.createIndex('media_job_state_idx').on('media_job').column('state').execute()
  await db.schema.createIndex('media_job_sha_idx').on('media_job').column('sha256').execute()
  await db.schema
    .createTable('media_version')
    .addColumn('track_uri', 'text', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('original_sha256', 'text', (c) => c.notNull())
    .addColumn('original_format', 'text', (c) => c.notNull())
    .addColumn('playable_sha256', 'text', (c) => c.notNull())
    .addColumn('playable_type', 'text', (c) => c.notNull())
    .addColumn('duration', 'double precision', (c) => c.notNull())
    .addColumn('loudness_lufs', 'double precision')
    .addColumn('true_peak_db', 'double precision')
    .addColumn('gain_centi_db', 'integer')
    .addColumn('peaks', 'text', (c) => c.notNull())
    .addColumn('fingerprint', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('media_version_pk', ['track_uri', 'version'])
    .execute()
  await db.schema
    .createIndex('media_version_did_idx')
    .on('media_version')
    .columns(['did', 'original_sha256'])
    .execute()
  await db.schema
    .createIndex('media_version_original_idx')
    .on('media_version')
    .column('original_sha256')
    .execute()
  await db.schema
    .createIndex('media_version_playable_idx')
    .on('media_version')
    .column('playable_sha256')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['media_version', 'media_job', 'media_upload', 'media_object']) {
    await db.schema.dropTable(table).execute()
  }
}
