import { type Kysely, sql } from 'kysely'

/**
 * The labeler's scanning and review (labeler/src/scan/, labeler/src/admin/), all written
 * by the labeler only:
 * - `labeler_scan`: one row per track version to fingerprint, its state and retries;
 * - `labeler_fingerprint`: Chromaprint raw fingerprints (uint32 little-endian) of tracks
 *   and of the imported reference catalogue;
 * - `labeler_flag`: a match with its evidence, and the moderator's decision;
 * - `labeler_audit`: every moderator action.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('labeler_scan')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull())
    // pending | running | clear | flagged | failed
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('due_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('lease_until', 'timestamptz')
    .addColumn('error', 'text')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  await sql`create index labeler_scan_due_idx on labeler_scan (due_at)
    where status in ('pending', 'running', 'failed')`.execute(db)
  await db.schema
    .createTable('labeler_fingerprint')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    // track | reference
    .addColumn('kind', 'text', (c) => c.notNull())
    // the track's uri, or the reference's ISRC (or title/artist when it has none)
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('cid', 'text')
    .addColumn('did', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('artist', 'text', (c) => c.notNull())
    .addColumn('isrc', 'text')
    .addColumn('duration', 'real', (c) => c.notNull())
    .addColumn('fingerprint', 'bytea', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('labeler_fingerprint_subject_key', ['kind', 'subject'])
    .execute()
  await db.schema
    .createTable('labeler_flag')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('uri', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('did', 'text', (c) => c.notNull())
    // fingerprint | audd
    .addColumn('source', 'text', (c) => c.notNull())
    .addColumn('matched_kind', 'text', (c) => c.notNull())
    .addColumn('matched_subject', 'text')
    .addColumn('matched_title', 'text', (c) => c.notNull())
    .addColumn('matched_artist', 'text', (c) => c.notNull())
    .addColumn('matched_isrc', 'text')
    .addColumn('offset_s', 'real')
    .addColumn('score', 'real')
    .addColumn('overlap_s', 'real')
    // pending | confirmed | false_positive
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('pending'))
    .addColumn('reason', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('resolved_at', 'timestamptz')
    .addColumn('resolved_by', 'text')
    .execute()
  await db.schema
    .createIndex('labeler_flag_status_idx')
    .on('labeler_flag')
    .columns(['status', 'id'])
    .execute()
  await db.schema.createIndex('labeler_flag_uri_idx').on('labeler_flag').column('uri').execute()
  await db.schema
    .createTable('labeler_audit')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('actor', 'text', (c) => c.notNull())
    .addColumn('action', 'text', (c) => c.notNull())
    .addColumn('subject', 'text', (c) => c.notNull())
    .addColumn('reason', 'text')
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of ['labeler_audit', 'labeler_flag', 'labeler_fingerprint', 'labeler_scan']) {
    await db.schema.dropTable(t).execute()
  }
}
