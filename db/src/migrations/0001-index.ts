import { type Kysely, sql } from 'kysely'

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('actor')
    .addColumn('did', 'text', (c) => c.primaryKey())
    .addColumn('handle', 'text')
    .addColumn('display_name', 'text')
    .addColumn('avatar_cid', 'text')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active'))
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('backfilled_at', 'timestamptz')
    .execute()
  await db.schema.createIndex('actor_handle_idx').on('actor').column('handle').execute()
  await db.schema
    .createIndex('actor_backfill_idx')
    .on('actor')
    .column('did')
    .where(sql.ref('backfilled_at'), 'is', null)
    .execute()

  await db.schema
    .createTable('artist_profile')
    .addColumn('did', 'text', (c) => c.primaryKey())
    .addColumn('bio', 'text')
    .addColumn('avatar_url', 'text')
    .addColumn('avatar_url_trusted', 'boolean', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('record')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('rkey', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('rev', 'text', (c) => c.notNull())
    // json, not jsonb: stored as written (cheaper to insert), still queryable with ->>
    .addColumn('json', 'json', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createTable('tombstone')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('rev', 'text', (c) => c.notNull())
    .addColumn('deleted_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('invalid_record')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('collection', 'text', (c) => c.notNull())
    .addColumn('rev', 'text', (c) => c.notNull())
    .addColumn('cid', 'text')
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .execute()

  await db.schema
    .createTable('track')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('artist', 'text', (c) => c.notNull())
    .addColumn('album', 'text')
    .addColumn('duration', 'integer')
    .addColumn('description', 'text')
    .addColumn('file_type', 'text', (c) => c.notNull())
    .addColumn('audio_url', 'text')
    .addColumn('audio_url_trusted', 'boolean', (c) => c.notNull())
    .addColumn('image_url', 'text')
    .addColumn('image_url_trusted', 'boolean', (c) => c.notNull())
    .addColumn('audio_blob_cid', 'text')
    .addColumn('like_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('comment_count', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('sort_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('track_sort_idx')
    .on('track')
    .expression(sql`sort_at desc, uri desc`)
    .execute()
  await db.schema
    .createIndex('track_did_sort_idx')
    .on('track')
    .expression(sql`did, sort_at desc, uri desc`)
    .execute()

  await db.schema
    .createTable('track_tag')
    .addColumn('track_uri', 'text', (c) => c.notNull())
    .addColumn('tag', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('track_tag_pkey', ['track_uri', 'tag'])
    .execute()
  await db.schema.createIndex('track_tag_tag_idx').on('track_tag').column('tag').execute()

  await db.schema
    .createTable('like')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('subject_uri', 'text', (c) => c.notNull())
    .addColumn('subject_cid', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  // (subject, did): counting distinct likers reads the index alone
  await db.schema
    .createIndex('like_subject_idx')
    .on('like')
    .columns(['subject_uri', 'did'])
    .execute()
  await db.schema
    .createIndex('like_did_idx')
    .on('like')
    .expression(sql`did, created_at desc, uri desc`)
    .execute()

  await db.schema
    .createTable('comment')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('subject_uri', 'text', (c) => c.notNull())
    .addColumn('subject_cid', 'text', (c) => c.notNull())
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('timestamp_ms', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema
    .createIndex('comment_subject_idx')
    .on('comment')
    .columns(['subject_uri', 'timestamp_ms'])
    .execute()

  await db.schema
    .createTable('list')
    .addColumn('uri', 'text', (c) => c.primaryKey())
    .addColumn('did', 'text', (c) => c.notNull())
    .addColumn('cid', 'text', (c) => c.notNull())
    .addColumn('name', 'text')
    .addColumn('list_type', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull())
    .addColumn('indexed_at', 'timestamptz', (c) => c.notNull())
    .execute()
  await db.schema.createIndex('list_did_idx').on('list').columns(['did', 'list_type']).execute()

  await db.schema
    .createTable('list_item')
    .addColumn('list_uri', 'text', (c) => c.notNull())
    .addColumn('position', 'integer', (c) => c.notNull())
    .addColumn('subject_uri', 'text', (c) => c.notNull())
    .addColumn('subject_cid', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('list_item_pkey', ['list_uri', 'position'])
    .execute()
  await db.schema
    .createIndex('list_item_subject_idx')
    .on('list_item')
    .column('subject_uri')
    .execute()

  await db.schema
    .createTable('cursor')
    .addColumn('source', 'text', (c) => c.primaryKey())
    .addColumn('cursor', 'bigint', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const t of [
    'cursor',
    'list_item',
    'list',
    'comment',
    'like',
    'track_tag',
    'track',
    'invalid_record',
    'tombstone',
    'record',
    'artist_profile',
    'actor',
  ]) {
    await db.schema.dropTable(t).execute()
  }
}
