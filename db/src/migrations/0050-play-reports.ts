import { type Kysely, sql } from 'kysely'

/**
 * Plays are reported by the player (`fm.plyr.feed.reportPlay`) once a listener has heard
 * enough of a track, no longer counted when `/audio` is fetched.
 *
 * - `playback_id`: the random id the player made for the playback; one play per playback
 *   and track, however often it is reported.
 * - `listener_key`: for an anonymous listener, an HMAC of their address and user agent
 *   under the day's salt (`play_salt`): it tells one client's plays apart for a day
 *   without storing anything that leads back to it once the salt is gone (salts are kept
 *   two days). Null for a signed-in listener, who is `listener_did`.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('play')
    .addColumn('playback_id', 'text')
    .addColumn('listener_key', 'text')
    .execute()
  await db.schema
    .createIndex('play_playback_idx')
    .on('play')
    .columns(['track_uri', 'playback_id'])
    .unique()
    .where(sql.ref('playback_id'), 'is not', null)
    .execute()
  // an anonymous listener's latest plays, for the dedupe window and the burst limit
  await db.schema
    .createIndex('play_listener_key_idx')
    .on('play')
    .expression(sql`listener_key, played_at desc`)
    .where(sql.ref('listener_key'), 'is not', null)
    .execute()
  // a signed-in listener's latest plays of any track, for the burst limit
  await db.schema
    .createIndex('play_listener_time_idx')
    .on('play')
    .expression(sql`listener_did, played_at desc`)
    .where(sql.ref('listener_did'), 'is not', null)
    .execute()
  await db.schema
    .createTable('play_salt')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('salt', 'text', (c) => c.notNull())
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('play_salt').execute()
  await db.schema.dropIndex('play_listener_time_idx').execute()
  await db.schema.dropIndex('play_listener_key_idx').execute()
  await db.schema.dropIndex('play_playback_idx').execute()
  await db.schema.alterTable('play').dropColumn('listener_key').dropColumn('playback_id').execute()
}
