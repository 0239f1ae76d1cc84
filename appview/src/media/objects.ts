import type { IndexSchema, Tx } from '@plyr/db'
import type { MediaStorage } from '@plyr/media'
import { type Kysely, sql } from 'kysely'

/**
 * Stored objects and their references. Every transaction that records an object, adds a
 * reference to one, releases one, or deletes a stored file without a row first takes the
 * object's lock (`lockObjects`: a transaction-level advisory lock per SHA-256), so for one
 * object these run one after another, never interleaved:
 *
 * - a file is stored before its row; the row and what references it are written in one
 *   transaction under the lock; after it commits the file is checked, and stored again if
 *   a release or the sweep took it in between (they ran first, under the lock);
 * - releasing an object finds nothing referencing it and deletes the file, then the row;
 *   the sweep finds a stored file without a row and deletes it; each under the lock, so
 *   an upload of the same bytes either commits its row first (nothing is deleted) or
 *   commits after the deletion and stores the file again;
 * - a new reference to an object already stored (`referObject`: a job) is added under the
 *   lock once its row is seen, or refused when a release took it.
 *
 * No transaction is held while a file is stored (PGlite runs one transaction at a time
 * for the whole process).
 */

/**
 * Takes the lock of each of `shas` until the transaction ends, in one order (two
 * transactions locking the same objects never wait for each other in a cycle).
 */
export async function lockObjects(tx: Tx, shas: Iterable<string>): Promise<void> {
  for (const sha of [...new Set(shas)].sort()) {
    await sql`select pg_advisory_xact_lock(hashtextextended(${`media_object:${sha}`}, 0))`.execute(
      tx,
    )
  }
}

/** Takes the lock of `sha` (see lockObjects) and tells whether its row exists. */
async function lockedObjectExists(tx: Tx, sha: string): Promise<boolean> {
  await lockObjects(tx, [sha])
  const row = await tx
    .selectFrom('media_object')
    .select('sha256')
    .where('sha256', '=', sha)
    .executeTakeFirst()
  return row !== undefined
}

/** The object `sha` is gone (a release took it): nothing may reference it any more. */
export class ObjectGoneError extends Error {
  constructor(readonly sha256: string) {
    super(`the stored file ${sha256} is gone`)
  }
}

/**
 * Locks `sha` for a new reference the caller adds in the same transaction: a release
 * waits for it to commit, and then finds the reference. Throws ObjectGoneError when a
 * release deleted the object first.
 */
export async function referObject(tx: Tx, sha: string): Promise<void> {
  if (!(await lockedObjectExists(tx, sha))) throw new ObjectGoneError(sha)
}

export type NewObject = { sha256: string; size: number; contentType: string; path: string }

/**
 * Stores the files of `objects` under their SHA-256 and records them, with the reference
 * `refer` writes, in one transaction; when that fails, the files it stored go again. The
 * caller removes its files afterwards.
 */
export async function addObject(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  object: NewObject | NewObject[],
  refer: (tx: Tx) => Promise<void>,
): Promise<void> {
  const objects = Array.isArray(object) ? object : [object]
  for (const o of objects) await storage.put(o.sha256, o.path, o.contentType)
  try {
    await db.transaction().execute(async (tx) => {
      await lockObjects(
        tx,
        objects.map((o) => o.sha256),
      )
      for (const o of objects) {
        await tx
          .insertInto('media_object')
          .values({ sha256: o.sha256, size: o.size, content_type: o.contentType })
          .onConflict((oc) => oc.column('sha256').doUpdateSet({ sha256: o.sha256 }))
          .execute()
      }
      await refer(tx)
    })
  } catch (err) {
    // not recorded (the reference was refused, a cancelled job): no file without its row
    for (const o of objects) await deleteStray(db, storage, o.sha256).catch(() => {})
    throw err
  }
  // a release that ran between the store and the transaction took the file: store it again
  for (const o of objects) {
    if (!(await storage.has(o.sha256))) await storage.put(o.sha256, o.path, o.contentType)
  }
}

/** Whether anything (an upload, an unfinished job, a track's media version) needs `sha`. */
async function referenced(tx: Tx, sha: string): Promise<boolean> {
  const [upload, job, version, image] = await Promise.all([
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
    tx
      .selectFrom('media_image')
      .select('id')
      .where((eb) =>
        eb.or([
          eb('original_sha256', '=', sha),
          eb('small_sha256', '=', sha),
          eb('large_sha256', '=', sha),
        ]),
      )
      .limit(1)
      .executeTakeFirst(),
  ])
  return upload !== undefined || job !== undefined || version !== undefined || image !== undefined
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
      if (!(await lockedObjectExists(tx, sha)) || (await referenced(tx, sha))) return
      await storage.delete(sha)
      await tx.deleteFrom('media_object').where('sha256', '=', sha).execute()
      deleted.push(sha)
    })
  }
  return deleted
}

/**
 * Deletes the stored file `sha` when no row records it (a crash between storing and
 * recording left it), under its lock: an upload of the same bytes recording it meanwhile
 * keeps it. Returns whether it was deleted.
 */
export async function deleteStray(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  sha: string,
): Promise<boolean> {
  return db.transaction().execute(async (tx) => {
    if (await lockedObjectExists(tx, sha)) return false
    await storage.delete(sha)
    return true
  })
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
    .returning(['original_sha256', 'playable_sha256', 'image_id'])
    .execute()
  const images = await dropUnusedImages(
    db,
    versions.flatMap((v) => (v.image_id ? [v.image_id] : [])),
  )
  await releaseObjects(db, storage, [
    ...versions.flatMap((v) => [v.original_sha256, v.playable_sha256]),
    ...images,
  ])
}

/** Deletes the images of `ids` no media version uses any more; returns their objects. */
async function dropUnusedImages(db: Kysely<IndexSchema>, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return []
  const dropped = await db
    .deleteFrom('media_image')
    .where('id', 'in', ids)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('media_version')
            .select('version')
            .whereRef('media_version.image_id', '=', 'media_image.id'),
        ),
      ),
    )
    .returning(['original_sha256', 'small_sha256', 'large_sha256'])
    .execute()
  return dropped.flatMap((i) => [i.original_sha256, i.small_sha256, i.large_sha256])
}
