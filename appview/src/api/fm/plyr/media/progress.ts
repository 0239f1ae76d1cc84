import { randomUUID } from 'node:crypto'
import { InvalidRequestError } from '@atproto/xrpc-server'
import type { IndexSchema, Tx } from '@plyr/db'
import type { Kysely } from 'kysely'
import { sql } from 'kysely'

/**
 * Uploads as they stream (`media_upload_progress`; this module owns it). A client that
 * wants to follow its upload names it with `X-Plyr-Upload-Id` (a UUID it chose); the
 * process receiving the body writes the bytes received a few times a second, and
 * `GET /uploads/<id>/events` on any process reads them. The upload's id is then the one
 * the client chose, and the job made of it is linked to the row, so the same stream
 * follows the job to its end.
 */

/** The request header naming an upload before it is sent. */
export const UPLOAD_ID_HEADER = 'x-plyr-upload-id'

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/

/** Whether `id` has the shape of an upload id a client may choose. */
export function isUploadId(id: string): boolean {
  return UUID.test(id)
}

/** Rows of uploads this old are deleted (uploads themselves are swept after a day). */
const KEEP = '2 days'

/**
 * The id of a new upload: the client's `X-Plyr-Upload-Id` (lower-cased UUID; recorded as
 * receiving, `total` its declared length), else a fresh one nobody follows.
 */
export async function beginUpload(
  db: Kysely<IndexSchema>,
  did: string,
  header: string | string[] | undefined,
  total: number | undefined,
): Promise<{ id: string; followed: boolean }> {
  if (header === undefined) return { id: randomUUID(), followed: false }
  const id = String(header).toLowerCase()
  if (!isUploadId(id)) {
    throw new InvalidRequestError(
      `${UPLOAD_ID_HEADER} must be a UUID (e.g. crypto.randomUUID()), got "${String(header)}"`,
      'InvalidUploadId',
    )
  }
  await db
    .deleteFrom('media_upload_progress')
    .where('updated_at', '<', sql<Date>`now() - ${KEEP}::interval`)
    .execute()
  const inserted = await db
    .insertInto('media_upload_progress')
    .values({ id, did, total: total ?? null, state: 'receiving' })
    .onConflict((oc) => oc.column('id').doNothing())
    .returning('id')
    .executeTakeFirst()
  if (!inserted) {
    throw new InvalidRequestError(
      `the upload id ${id} was used already: choose a new one for each upload`,
      'UploadIdTaken',
    )
  }
  return { id, followed: true }
}

/** The bytes received so far. */
export async function reportReceived(
  db: Kysely<IndexSchema>,
  id: string,
  received: number,
): Promise<void> {
  await db
    .updateTable('media_upload_progress')
    .set({ received, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .where('state', '=', 'receiving')
    .execute()
}

/** The upload is stored (`received` bytes) and waits to be made into a track. */
export async function finishUpload(
  db: Kysely<IndexSchema>,
  id: string,
  received: number,
): Promise<void> {
  await db
    .updateTable('media_upload_progress')
    .set({ received, state: 'received', updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute()
}

/** The upload was refused or broke off: `reason` is what its follower is told. */
export async function failUpload(
  db: Kysely<IndexSchema>,
  id: string,
  reason: string,
): Promise<void> {
  await db
    .updateTable('media_upload_progress')
    .set({ state: 'failed', error: reason, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute()
}

/** The job made of upload `id` (when a client followed it), in the job's transaction. */
export async function linkJob(tx: Tx, id: string, jobId: string): Promise<void> {
  await tx
    .updateTable('media_upload_progress')
    .set({ job_id: jobId, updated_at: sql<Date>`now()` })
    .where('id', '=', id)
    .execute()
}
