import { type Kysely, sql } from 'kysely'

/**
 * Plays: the AppView's own data (there is no play record on the network). One row per
 * counted play, written by the AppView when `/audio/<did>/<rkey>` starts playback, and
 * `track.play_count` kept equal to the rows in the same transaction.
 *
 * A play belongs to its track row: when the indexer deletes a track (its record was
 * deleted), its plays go with it, so a record created again at the same URI starts from
 * zero and play_count never disagrees with the rows. Anonymous plays store no listener:
 * nothing about the client (no IP address) is kept.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .alterTable('track')
    .addColumn('play_count', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema
    .createTable('play')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('track_uri', 'text', (c) => c.notNull().references('track.uri').onDelete('cascade'))
    .addColumn('listener_did', 'text')
    .addColumn('played_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute()
  // a track's plays, counted from the index alone (and found when the track goes)
  await db.schema.createIndex('play_track_idx').on('play').column('track_uri').execute()
  // a listener's latest play of a track, for the dedupe window
  await db.schema
    .createIndex('play_listener_idx')
    .on('play')
    .expression(sql`listener_did, track_uri, played_at desc`)
    .where(sql.ref('listener_did'), 'is not', null)
    .execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.dropTable('play').execute()
  await db.schema.alterTable('track').dropColumn('play_count').execute()
}
