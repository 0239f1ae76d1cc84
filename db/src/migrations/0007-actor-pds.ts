import type { Kysely } from 'kysely'

/**
 * The PDS each actor's DID document names, so the AppView can point clients at blobs
 * (audio, avatars) in the actor's own repository without a lookup per request. Null
 * until the indexer resolves the actor (first sight, identity event, backfill).
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('actor').addColumn('pds', 'text').execute()
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('actor').dropColumn('pds').execute()
}
