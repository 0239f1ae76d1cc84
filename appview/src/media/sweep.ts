import { readdir, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { IndexSchema } from '@plyr/db'
import type { MediaStorage } from '@plyr/media'
import type { Kysely } from 'kysely'
import { deleteStray, releaseObjects } from './objects.js'

/** What a sweep removed. */
export type Swept = { uploads: number; objects: number; files: number; staged: number }

export type SweepOptions = {
  /** an upload not made into a track within this long is dropped */
  uploadTtlMs: number
  /** a file, object or staged file younger than this may be on its way: left alone */
  graceMs: number
}

export const SWEEP_DEFAULTS: SweepOptions = { uploadTtlMs: 24 * 3600_000, graceMs: 3600_000 }

/**
 * Nothing half-done stays: uploads and cover art never made into tracks (after `uploadTtlMs`), object
 * rows nothing references, stored files without a row (a crash between storing and
 * recording), and staged files a crash left. Anything younger than `graceMs` may belong
 * to an upload or job in progress and is left for the next sweep.
 */
export async function sweepMedia(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  stagingDir: string,
  opts: SweepOptions = SWEEP_DEFAULTS,
): Promise<Swept> {
  const uploads = await db
    .deleteFrom('media_upload')
    .where('created_at', '<', new Date(Date.now() - opts.uploadTtlMs))
    .returning('sha256')
    .execute()
  // cover art uploaded but never used by a track within the same time
  const images = await db
    .deleteFrom('media_image')
    .where('created_at', '<', new Date(Date.now() - opts.uploadTtlMs))
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
  const candidates = await db
    .selectFrom('media_object')
    .select('sha256')
    .where('created_at', '<', new Date(Date.now() - opts.graceMs))
    .execute()
  const released = await releaseObjects(db, storage, [
    ...uploads.map((u) => u.sha256),
    ...images.flatMap((i) => [i.original_sha256, i.small_sha256, i.large_sha256]),
    ...candidates.map((c) => c.sha256),
  ])
  let files = 0
  const cutoff = Date.now() - opts.graceMs
  for await (const { key, modified } of storage.list()) {
    if (modified.getTime() > cutoff) continue
    if (await deleteStray(db, storage, key)) files++
  }
  let staged = 0
  for (const name of await readdir(stagingDir).catch(() => [] as string[])) {
    const path = join(stagingDir, name)
    const info = await stat(path).catch(() => undefined)
    if (info && info.mtimeMs < cutoff) {
      await rm(path, { force: true })
      staged++
    }
  }
  return { uploads: uploads.length, objects: released.length, files, staged }
}
