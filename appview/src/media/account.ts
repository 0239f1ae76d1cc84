import type { IndexSchema } from '@plyr/db'
import type { MediaStorage } from '@plyr/media'
import type { Kysely } from 'kysely'
import { cancelAccountJobs } from './jobs.js'
import { releaseObjects } from './objects.js'

/**
 * Deletes every media of an account: cancels its unfinished jobs first (a worker running
 * one holds the job's row while it commits, so its version is committed before this and
 * deleted below, or never), then its tracks' versions, its waiting uploads, its images,
 * and the objects nothing else references.
 */
export async function deleteAccountMedia(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  did: string,
): Promise<void> {
  const shas = await db.transaction().execute(async (tx) => {
    const jobs = await cancelAccountJobs(tx, did)
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
    const images = await tx
      .deleteFrom('media_image')
      .where('did', '=', did)
      .returning(['original_sha256', 'small_sha256', 'large_sha256'])
      .execute()
    return [
      ...images.flatMap((i) => [i.original_sha256, i.small_sha256, i.large_sha256]),
      ...versions.flatMap((v) => [v.original_sha256, v.playable_sha256]),
      ...uploads.map((u) => u.sha256),
      ...jobs,
    ]
  })
  await releaseObjects(db, storage, shas)
}
