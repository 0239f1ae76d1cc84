import { randomUUID } from 'node:crypto'
import { rm } from 'node:fs/promises'
import type { IndexSchema } from '@plyr/db'
import { makeThumbnails, type MediaStorage } from '@plyr/media'
import type { Kysely } from 'kysely'
import { addObject } from './objects.js'

/**
 * Makes a cover image of the file at `path` (its SHA-256 and size known): thumbnails made
 * once, the original and both stored, one `media_image` row naming them. Returns its id.
 */
export async function storeImage(
  db: Kysely<IndexSchema>,
  storage: MediaStorage,
  workDir: string,
  did: string,
  original: { path: string; sha256: string; size: number },
): Promise<string> {
  const made = await makeThumbnails(original.path, workDir)
  const id = randomUUID()
  try {
    const webp = 'image/webp'
    await addObject(
      db,
      storage,
      [
        { ...original, contentType: made.contentType },
        { ...made.small, contentType: webp },
        { ...made.large, contentType: webp },
      ],
      async (tx) => {
        await tx
          .insertInto('media_image')
          .values({
            id,
            did,
            original_sha256: original.sha256,
            small_sha256: made.small.sha256,
            large_sha256: made.large.sha256,
          })
          .execute()
      },
    )
  } finally {
    await Promise.all([made.small.path, made.large.path].map((p) => rm(p, { force: true })))
  }
  return id
}
