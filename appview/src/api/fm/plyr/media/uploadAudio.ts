import { randomUUID } from 'node:crypto'
import type { Readable } from 'node:stream'
import { InvalidRequestError, type Server, XRPCError } from '@atproto/xrpc-server'
import {
  EmptyUploadError,
  MediaError,
  probe,
  stageUpload,
  UploadInterruptedError,
  UploadTooLargeError,
} from '@plyr/media'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { addObject } from '../../../../media/objects.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

/** 413, closing the connection: the client stops sending what nobody will read. */
function tooLarge(res: { setHeader(name: string, value: string): void }, max: number) {
  res.setHeader('connection', 'close')
  return new XRPCError(
    413,
    `the upload is larger than the limit of ${max} bytes`,
    'PayloadTooLarge',
  )
}

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.media.uploadAudio.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, req, res }) => {
      const { media } = ctx
      const max = media.cfg.maxUploadBytes
      const declared = Number(req.headers['content-length'])
      if (declared > max) throw tooLarge(res, max)
      let staged
      try {
        staged = await stageUpload(input.body as Readable, media.stagingDir, max)
      } catch (err) {
        if (err instanceof UploadTooLargeError) throw tooLarge(res, max)
        if (err instanceof EmptyUploadError)
          throw new InvalidRequestError(err.message, 'EmptyUpload')
        if (err instanceof UploadInterruptedError) {
          throw new InvalidRequestError(err.message, 'UploadInterrupted')
        }
        throw err
      }
      try {
        // what the bytes are is judged from the content now, so a wrong file is refused here
        const probed = await probe(staged.path, media.cfg.jobTimeoutSeconds * 1000).catch(
          (err: unknown) => {
            if (err instanceof MediaError) throw new InvalidRequestError(err.message, err.code)
            throw err
          },
        )
        if (probed.duration !== undefined && probed.duration > media.cfg.maxAudioSeconds) {
          throw new InvalidRequestError(
            `the audio is ${Math.round(probed.duration)} s long; the limit is ${media.cfg.maxAudioSeconds} s`,
            'TooLong',
          )
        }
        const uploadId = randomUUID()
        const object = { ...staged, contentType: probed.contentType }
        await addObject(ctx.db, media.storage, object, async (tx) => {
          await tx
            .insertInto('media_upload')
            .values({
              id: uploadId,
              did: auth.credentials.did,
              sha256: staged.sha256,
              size: staged.size,
            })
            .execute()
        })
        return {
          encoding: 'application/json',
          body: { uploadId, size: staged.size, sha256: staged.sha256 },
        }
      } finally {
        await staged.discard()
      }
    },
  })
}
