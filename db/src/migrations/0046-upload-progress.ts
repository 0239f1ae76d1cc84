import { type Kysely, sql } from 'kysely'

/**
 * Uploads as they stream (appview/src/api/fm/plyr/media/progress.ts): one row per upload
 * the client named with `X-Plyr-Upload-Id`, the bytes received so far (updated a few times
 * a second by the process receiving it), and the job it became, so `GET /uploads/<id>/events`
 * on any process can follow it. The per-account byte volume is counted in `rate_limit`,
 * whose points become bigint to hold bytes.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('media_upload_progress')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('received', 'bigint', (c) => c.notNull().defaultTo(0))
    .addColumn('total', 'bigint')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('error', 'text')
    .addColumn('job_id', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await db.schema
    .createIndex('media_upload_progress_updated_idx')
    .on('media_upload_progress')
    .column('updated_at')
    .execute()
  await sql`alter table rate_limit alter column consumed type bigint`.execute(db)
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`alter table rate_limit alter column consumed type integer`.execute(db)
  await db.schema.dropTable('media_upload_progress').execute()
}
