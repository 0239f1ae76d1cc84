import type { IncomingMessage } from 'node:http'
import type { Readable } from 'node:stream'
import { InvalidRequestError, RateLimitExceededError, XRPCError } from '@atproto/xrpc-server'
import {
  EmptyUploadError,
  type Staged,
  stageUpload,
  UploadInterruptedError,
  UploadTooLargeError,
} from '@plyr/media'
import type { AppContext } from '../../../../context.js'
import { UploadVolume } from '../../../../writes/upload-limits.js'
import { UploadMeter } from './meter.js'

type Res = { setHeader(name: string, value: string): void }

/** The request's declared Content-Length, when it has one. */
export function declaredLength(req: IncomingMessage): number | undefined {
  const header = req.headers['content-length']
  return header === undefined ? undefined : Number(header)
}

/** 413, closing the connection: the client stops sending what nobody will read. */
function tooLarge(res: Res, what: string, max: number) {
  res.setHeader('connection', 'close')
  return new XRPCError(
    413,
    `the ${what} is larger than the limit of ${max} bytes`,
    'PayloadTooLarge',
  )
}

/**
 * Streams a request's body to staging (`stageUpload`), counted against the account's
 * daily upload volume as it arrives (and reported to the upload's progress row when a
 * client follows it: `progressId`): past `max` bytes `413 PayloadTooLarge`, past the
 * volume `429 RateLimitExceeded` with `Retry-After` (both close the connection), an
 * empty or broken-off body `EmptyUpload` / `UploadInterrupted`; nothing is kept on an error.
 */
export async function receiveBody(
  ctx: AppContext,
  opts: {
    req: IncomingMessage
    res: Res
    body: unknown
    did: string
    max: number
    what: string
    progressId?: string
  },
): Promise<Staged> {
  const { req, res, did, max, what } = opts
  const declared = declaredLength(req)
  if (declared !== undefined && declared > max) throw tooLarge(res, what, max)
  const volume = new UploadVolume(ctx.db, ctx.cfg.uploadBytesPerDay)
  await volume.check(res, did, declared)
  const meter = new UploadMeter(ctx.db, ctx.logger, res, did, volume, opts.progressId)
  try {
    const staged = await stageUpload(opts.body as Readable, ctx.media.stagingDir, {
      maxBytes: max,
      onBytes: meter.onBytes,
      signal: meter.signal,
    })
    await meter.finish(staged.size).catch(async (err: unknown) => {
      await staged.discard()
      throw err
    })
    return staged
  } catch (err) {
    if (err instanceof UploadTooLargeError) throw tooLarge(res, what, max)
    if (err instanceof EmptyUploadError) throw new InvalidRequestError(err.message, 'EmptyUpload')
    if (err instanceof UploadInterruptedError) {
      throw new InvalidRequestError(err.message, 'UploadInterrupted')
    }
    if (err instanceof RateLimitExceededError) res.setHeader('connection', 'close')
    throw err
  }
}

/** What the follower of a failed upload is told: the typed error's message, nothing internal. */
export function failureReason(err: unknown): string {
  if (err instanceof XRPCError && err.errorMessage) return err.errorMessage
  return 'the server could not store the upload; try again'
}
