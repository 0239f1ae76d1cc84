import type { Tx } from '@plyr/db'
import type { AppContext } from '../../../../context.js'
import { enqueueJob } from '../../../../media/jobs.js'
import { checkJobRoom } from '../../../../writes/upload-limits.js'
import { linkJob } from './progress.js'

/**
 * Queues a processing job in `tx` when the account has room for one more
 * (`MAX_PROCESSING_JOBS_PER_ACCOUNT`, else 429 `RateLimitExceeded` with `Retry-After` on
 * `res`), linked to the upload it was made of so the upload's progress stream follows it.
 */
export async function startJob(
  tx: Tx,
  ctx: AppContext,
  res: { setHeader(name: string, value: string): void },
  job: Parameters<typeof enqueueJob>[1],
  uploadId?: string,
): Promise<string> {
  await checkJobRoom(tx, res, job.did, ctx.cfg.jobsPerAccount)
  const id = await enqueueJob(tx, job)
  if (uploadId !== undefined) await linkJob(tx, uploadId, id)
  return id
}
