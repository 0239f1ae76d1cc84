import type { IndexSchema, Tx } from '@plyr/db'
import type { MediaStorage } from '@plyr/media'
import type { Kysely } from 'kysely'

/**
 * Stored objects and their references. A file is stored before its row; the row and what
 * references it are written in one transaction that locks the row; releasing an object
 * locks its row, finds nothing referencing it and deletes the file, then the row, in one
 * transaction. An upload of the same bytes racing a release therefore either commits its
 * reference first (nothing is deleted) or waits for the release and then finds the file
 * gone, and stores it again. No transaction is held while a file is stored (PGlite runs
 * one transaction at a time for the whole process).
 */

export type NewObject = { sha256: string; size: number; contentType: string; path: string }

/**
 * Stores the file at `object.path` under its SHA-256 and records it, with the reference
 * `refer` writes in the same transaction. The caller removes its file afterwards.
 */
export async function addObject(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  object: NewObject,
  refer: (tx: Tx) => Promise<void>,
): Promise<void> {
  await storage.put(object.sha256, object.path, object.contentType)
  await db.transaction().execute(async (tx) => {
    await tx
      .insertInto('media_object')
      .values({ sha256: object.sha256, size: object.size, content_type: object.contentType })
      .onConflict((oc) => oc.column('sha256').doUpdateSet({ sha256: object.sha256 }))
      .execute()
    await refer(tx)
  })
  // a release that ran between the store and the transaction took the file: store it again
  if (!(await storage.has(object.sha256))) {
    await storage.put(object.sha256, object.path, object.contentType)
  }
}

/** Whether anything (an upload, an unfinished job, a track's media version) needs `sha`. */
async function referenced(tx: Tx, sha: string): Promise<boolean> {
  const [upload, job, version] = await Promise.all([
    tx
      .selectFrom('media_upload')
      .select('id')
      .where('sha256', '=', sha)
      .limit(1)
      .executeTakeFirst(),
    tx
      .selectFrom('media_job')
      .select('id')
      .where('sha256', '=', sha)
      .where('state', 'in', ['queued', 'running'])
      .limit(1)
      .executeTakeFirst(),
    tx
      .selectFrom('media_version')
      .select('version')
      .where((eb) => eb.or([eb('original_sha256', '=', sha), eb('playable_sha256', '=', sha)]))
      .limit(1)
      .executeTakeFirst(),
  ])
  return upload !== undefined || job !== undefined || version !== undefined
}

/** Deletes each of `shas` that nothing references any more: its file, then its row. */
export async function releaseObjects(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  shas: Iterable<string>,
): Promise<string[]> {
  const deleted: string[] = []
  for (const sha of new Set(shas)) {
    await db.transaction().execute(async (tx) => {
      const row = await tx
        .selectFrom('media_object')
        .select('sha256')
        .where('sha256', '=', sha)
        .forUpdate()
        .executeTakeFirst()
      if (!row || (await referenced(tx, sha))) return
      await storage.delete(sha)
      await tx.deleteFrom('media_object').where('sha256', '=', sha).execute()
      deleted.push(sha)
    })
  }
  return deleted
}

/** Deletes a track's media versions and the objects nothing else references. */
export async function deleteTrackMedia(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  trackUri: string,
): Promise<void> {
  await deleteVersions(db, storage, trackUri, () => true)
}

/** Deletes the versions of a track that `which` picks, and what only they used. */
export async function deleteVersions(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  trackUri: string,
  which: (version: number) => boolean,
): Promise<void> {
  const all = await db
    .selectFrom('media_version')
    .select('version')
    .where('track_uri', '=', trackUri)
    .execute()
  const doomed = all.map((v) => v.version).filter(which)
  if (doomed.length === 0) return
  const versions = await db
    .deleteFrom('media_version')
    .where('track_uri', '=', trackUri)
    .where('version', 'in', doomed)
    .returning(['original_sha256', 'playable_sha256'])
    .execute()
  await releaseObjects(
    db,
    storage,
    versions.flatMap((v) => [v.original_sha256, v.playable_sha256]),
  )
}

/**
 * Deletes every media of an account: its tracks' versions, its waiting uploads, its
 * unfinished jobs (failed), then the objects nothing else references.
 */
export async function deleteAccountMedia(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  did: string,
): Promise<void> {
  const shas = await db.transaction().execute(async (tx) => {
    const versions = await tx
      .deleteFrom('media_version')
      .where('did', '=', did)
      .returning(['original_sha256', 'playable_sha256'])
      .execute()
    const uploads = await tx
      .deleteFrom('media_upload')
      .where('did', '=', did)
      .returning('sha256')
      .execute()
    const jobs = await tx
      .updateTable('media_job')
      .set({ state: 'failed', stage: 'failed', error: "the account's plyr data was deleted" })
      .where('did', '=', did)
      .where('state', 'in', ['queued', 'running'])
      .returning('sha256')
      .execute()
    return [
      ...versions.flatMap((v) => [v.original_sha256, v.playable_sha256]),
      ...uploads.map((u) => u.sha256),
      ...jobs.map((j) => j.sha256),
    ]
  })
  await releaseObjects(db, storage, shas)
}
