import type { Readable } from 'node:stream'
import { InvalidRequestError, type Server, XRPCError } from '@atproto/xrpc-server'
import {
  EmptyUploadError,
  MediaError,
  stageUpload,
  UploadInterruptedError,
  UploadTooLargeError,
} from '@plyr/media'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { imageUrl } from '../../../../links.js'
import { storeImage } from '../../../../media/images.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.media.uploadImage.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, req, res }) => {
      const { media } = ctx
      const max = media.cfg.maxImageBytes
      const tooLarge = () => {
        res.setHeader('connection', 'close')
        return new XRPCError(
          413,
          `the image is larger than the limit of ${max} bytes`,
          'PayloadTooLarge',
        )
      }
      if (Number(req.headers['content-length']) > max) throw tooLarge()
      let staged
      try {
        staged = await stageUpload(input.body as Readable, media.stagingDir, max)
      } catch (err) {
        if (err instanceof UploadTooLargeError) throw tooLarge()
        if (err instanceof EmptyUploadError)
          throw new InvalidRequestError(err.message, 'EmptyUpload')
        if (err instanceof UploadInterruptedError) {
          throw new InvalidRequestError(err.message, 'UploadInterrupted')
        }
        throw err
      }
      try {
        const imageId = await storeImage(
          ctx.db,
          media.storage,
          media.stagingDir,
          auth.credentials.did,
          staged,
        ).catch((err: unknown) => {
          if (err instanceof MediaError) throw new InvalidRequestError(err.message, err.code)
          throw err
        })
        return {
          encoding: 'application/json',
          body: { imageId, url: imageUrl(ctx.service.url, imageId) as `${string}:${string}` },
        }
      } finally {
        await staged.discard()
      }
    },
  })
}
