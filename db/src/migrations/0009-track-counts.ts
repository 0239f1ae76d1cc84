import { type Kysely, sql } from 'kysely'

const COUNTS = ['like_count', 'comment_count', 'play_count'] as const

/**
 * A track's like, comment and play counts move out of `track` into a narrow table of their
 * own. A recount used to rewrite the track's row and, like_count being indexed, add an
 * entry to every index of `track` (its title's trigram index too): recounts were the
 * largest part of the indexer's database time. Now a like count change touches two small
 * indexes, and a comment or play count change none (a HOT update, in the room the
 * fillfactor keeps on each page).
 *
 * A track without a row has no likes, comments or plays yet. The row belongs to its track:
 * it goes when the track is deleted.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  let table = db.schema
    .createTable('track_count')
    .addColumn('uri', 'text', (c) => c.primaryKey().references('track.uri').onDelete('cascade'))
  for (const count of COUNTS) {
    table = table.addColumn(count, 'integer', (c) => c.notNull().defaultTo(0))
  }
  await table.modifyEnd(sql`with (fillfactor = 70)`).execute()
  await sql`
    insert into track_count (uri, like_count, comment_count, play_count)
    select uri, like_count, comment_count, play_count from track
    where like_count > 0 or comment_count > 0 or play_count > 0
  `.execute(db)
  // fm.plyr.feed.getTopTracks over all time: the like counts, highest first
  await db.schema
    .createIndex('track_count_like_idx')
    .on('track_count')
    .expression(sql`like_count desc, uri desc`)
    .execute()
  await db.schema.dropIndex('track_like_count_idx').execute()
  for (const count of COUNTS) await db.schema.alterTable('track').dropColumn(count).execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const count of COUNTS) {
    await db.schema
      .alterTable('track')
      .addColumn(count, 'integer', (c) => c.notNull().defaultTo(0))
      .execute()
  }
  await sql`
    update track t set like_count = c.like_count, comment_count = c.comment_count,
      play_count = c.play_count
    from track_count c where c.uri = t.uri
  `.execute(db)
  await db.schema
    .createIndex('track_like_count_idx')
    .on('track')
    .expression(sql`like_count desc, uri desc`)
    .execute()
  await db.schema.dropTable('track_count').execute()
}
