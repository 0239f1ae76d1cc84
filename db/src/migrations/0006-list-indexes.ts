import { type Kysely, sql } from 'kysely'

/** The keyset orders of the AppView's lists, each served by one index. */
export async function up(db: Kysely<unknown>): Promise<void> {
  // fm.plyr.feed.getLikes: a track's likes, newest first
  await db.schema
    .createIndex('like_subject_created_idx')
    .on('like')
    .expression(sql`subject_uri, created_at desc, uri desc`)
    .execute()
  // fm.plyr.feed.getTopTracks within a period: the likes of a time range, counted per
  // track from the index alone
  await db.schema
    .createIndex('like_created_idx')
    .on('like')
    .columns(['created_at', 'subject_uri', 'did'])
    .execute()
  // fm.plyr.feed.getTopTracks over all time: the stored like counts, highest first
  await db.schema
    .createIndex('track_like_count_idx')
    .on('track')
    .expression(sql`like_count desc, uri desc`)
    .execute()
  // fm.plyr.feed.getActorLists: an actor's lists, newest first
  await db.schema
    .createIndex('list_did_created_idx')
    .on('list')
    .expression(sql`did, created_at desc, uri desc`)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const name of [
    'list_did_created_idx',
    'track_like_count_idx',
    'like_created_idx',
    'like_subject_created_idx',
  ]) {
    await db.schema.dropIndex(name).execute()
  }
}
