import { sendError } from '@plyr/core'
import type { Request, Response } from 'express'
import type { AppContext } from '../context.js'

/** How often the job's row is read for changes (a worker may run in another process). */
const POLL_MS = 250
/** The stages of a job, in the order every job goes through them. */
const STAGES = ['probing', 'transcoding', 'analysing', 'publishing']

/**
 * GET /uploads/<jobId>/events: the job's progress as server-sent events, for its uploader
 * alone (session cookie or developer token; anyone else: 404). Events: `received` (the
 * bytes stored), then each stage as it starts (`probing`, `transcoding` with `percent`,
 * `analysing`, `publishing`), then `done` with the track's `uri` or `failed` with a
 * `reason`, and the stream ends. The stages always come in that order: a stage passed
 * between two reads (or before the stream opened) is sent when the next one is seen.
 */
export function uploadEventsHandler(ctx: AppContext) {
  const collection = ctx.cfg.namespace.collection('track')
  return async (req: Request, res: Response): Promise<void> => {
    const viewer = await ctx.auth.viewer(req, null, res)
    const id = String(req.params.id)
    const job =
      viewer === null
        ? undefined
        : await ctx.db
            .selectFrom('media_job')
            .innerJoin('media_object', 'media_object.sha256', 'media_job.sha256')
            .select(['media_job.did', 'media_job.rkey', 'media_object.size'])
            .where('media_job.id', '=', id)
            .where('media_job.did', '=', viewer)
            .executeTakeFirst()
    if (!job) {
      sendError(res, viewer === null ? 401 : 404, 'UploadNotFound', 'no such upload of yours')
      return
    }
    res.status(200).set({
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      'X-Accel-Buffering': 'no',
    })
    res.flushHeaders()
    const send = (event: string, data: object) => {
      res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`)
    }
    send('received', { bytes: Number(job.size) })
    let closed = false
    req.once('close', () => (closed = true))
    let last = ''
    let passed = 0
    /** Sends the stages before `stage` not sent yet (each once, in order). */
    const catchUp = (upTo: number) => {
      for (; passed < upTo; passed++) send(STAGES[passed]!, {})
    }
    while (!closed) {
      const row = await ctx.db
        .selectFrom('media_job')
        .select(['stage', 'state', 'percent', 'error'])
        .where('id', '=', id)
        .executeTakeFirst()
      if (!row) break
      if (row.state === 'done') {
        catchUp(STAGES.length)
        send('done', { uri: `at://${job.did}/${collection}/${job.rkey}` })
        break
      }
      if (row.state === 'failed') {
        send('failed', { reason: row.error ?? 'processing failed' })
        break
      }
      const at = STAGES.indexOf(row.stage)
      const seen = `${row.stage}:${row.percent}`
      if (at >= 0 && seen !== last) {
        catchUp(at)
        send(row.stage, row.percent === null ? {} : { percent: row.percent })
        passed = at + 1
      }
      last = seen
      await new Promise((resolve) => setTimeout(resolve, POLL_MS))
    }
    res.end()
  }
}
