import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { MediaError } from '@plyr/media'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { imageUrl } from '../../../../links.js'
import { storeImage } from '../../../../media/images.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { receiveBody } from './receive.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.media.uploadImage.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, req, res }) => {
      const { media } = ctx
      const staged = await receiveBody(ctx, {
        req,
        res,
        body: input.body,
        did: auth.credentials.did,
        max: media.cfg.maxImageBytes,
        what: 'image',
      })
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
