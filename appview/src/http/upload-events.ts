import { sendError } from '@plyr/core'
import type { Request, Response } from 'express'
import { isUploadId } from '../api/fm/plyr/media/progress.js'
import type { AppContext } from '../context.js'

/** How often the rows are read for changes (the upload or the job may be in another process). */
const POLL_MS = 250
/** How long an upload id nobody has started yet is waited for (the client may open this first). */
const START_WAIT_MS = 10_000
/** The stages of a job, in the order every job goes through them. */
const STAGES = ['probing', 'transcoding', 'analysing', 'publishing']

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

type Send = (event: string, data: object) => void

/**
 * GET /uploads/<id>/events: an upload's or a job's progress as server-sent events, for its
 * uploader alone (session cookie or developer token; anyone else: 404). `<id>` is a job's
 * id, or the upload id a client chose (`X-Plyr-Upload-Id`). Events: `received` (`bytes`,
 * and `total` when the length was declared; for an upload id, repeated as the body
 * streams), then each stage of the job as it starts (`probing`, `transcoding` with
 * `percent`, `analysing`, `publishing`), then `done` with the track's `uri` or `failed`
 * with a `reason`, and the stream ends. The stages always come in that order: a stage
 * passed between two reads (or before the stream opened) is sent when the next one is seen.
 */
export function uploadEventsHandler(ctx: AppContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const viewer = await ctx.auth.viewer(req, null, res)
    if (viewer === null) {
      sendError(res, 401, 'UploadNotFound', 'no such upload of yours')
      return
    }
    const id = String(req.params.id)
    let closed = false
    req.once('close', () => (closed = true))
    const job = await findJob(ctx, id, viewer)
    const upload = job ? false : await waitForUpload(ctx, id, viewer, () => closed)
    if (!job && !upload) {
      sendError(res, 404, 'UploadNotFound', 'no such upload of yours')
      return
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    })
    res.flushHeaders()
    const send: Send = (event, data) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    if (job) {
      send('received', { bytes: job.size })
      await followJob(ctx, id, send, () => closed)
    } else {
      const jobId = await followUpload(ctx, id, send, () => closed)
      if (jobId !== undefined) await followJob(ctx, jobId, send, () => closed)
    }
    res.end()
  }
}

/** The viewer's job `id`, with the size of its upload. */
async function findJob(ctx: AppContext, id: string, viewer: string) {
  const row = await ctx.db
    .selectFrom('media_job')
    .innerJoin('media_object', 'media_object.sha256', 'media_job.sha256')
    .select('media_object.size')
    .where('media_job.id', '=', id)
    .where('media_job.did', '=', viewer)
    .executeTakeFirst()
  return row && { size: Number(row.size) }
}

/** Whether the viewer has an upload `id`, waiting a little for one not started yet. */
async function waitForUpload(
  ctx: AppContext,
  id: string,
  viewer: string,
  closed: () => boolean,
): Promise<boolean> {
  if (!isUploadId(id)) return false
  const deadline = Date.now() + START_WAIT_MS
  for (;;) {
    const row = await ctx.db
      .selectFrom('media_upload_progress')
      .select('did')
      .where('id', '=', id)
      .executeTakeFirst()
    // someone else's upload is as unknown as none
    if (row) return row.did === viewer
    if (closed() || Date.now() >= deadline) return false
    await sleep(POLL_MS)
  }
}

/**
 * Sends `received` as the upload's bytes arrive, until it is made into a job (its id is
 * returned) or fails (`failed`, and undefined).
 */
async function followUpload(
  ctx: AppContext,
  id: string,
  send: Send,
  closed: () => boolean,
): Promise<string | undefined> {
  let sent = -1
  while (!closed()) {
    const row = await ctx.db
      .selectFrom('media_upload_progress')
      .select(['received', 'total', 'state', 'error', 'job_id'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) return undefined
    const bytes = Number(row.received)
    if (bytes !== sent && row.state !== 'failed') {
      send('received', row.total === null ? { bytes } : { bytes, total: Number(row.total) })
      sent = bytes
    }
    if (row.state === 'failed') {
      send('failed', { reason: row.error ?? 'the upload failed' })
      return undefined
    }
    if (row.job_id !== null) return row.job_id
    await sleep(POLL_MS)
  }
  return undefined
}

/** Sends the job's stages as it goes through them, then `done` or `failed`. */
async function followJob(ctx: AppContext, id: string, send: Send, closed: () => boolean) {
  const collection = ctx.cfg.namespace.collection('track')
  let last = ''
  let passed = 0
  /** Sends the stages before `stage` not sent yet (each once, in order). */
  const catchUp = (upTo: number) => {
    for (; passed < upTo; passed++) send(STAGES[passed]!, {})
  }
  while (!closed()) {
    const row = await ctx.db
      .selectFrom('media_job')
      .select(['did', 'rkey', 'stage', 'state', 'percent', 'error'])
      .where('id', '=', id)
      .executeTakeFirst()
    if (!row) return
    if (row.state === 'done') {
      catchUp(STAGES.length)
      send('done', { uri: `at://${row.did}/${collection}/${row.rkey}` })
      return
    }
    if (row.state === 'failed') {
      send('failed', { reason: row.error ?? 'processing failed' })
      return
    }
    const at = STAGES.indexOf(row.stage)
    const seen = `${row.stage}:${row.percent}`
    if (at >= 0 && seen !== last) {
      catchUp(at)
      send(row.stage, row.percent === null ? {} : { percent: row.percent })
      passed = at + 1
    }
    last = seen
    await sleep(POLL_MS)
  }
}
