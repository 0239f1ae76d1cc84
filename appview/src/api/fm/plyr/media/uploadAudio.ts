import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { MediaError, probe, type Staged } from '@plyr/media'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { addObject } from '../../../../media/objects.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { beginUpload, failUpload, finishUpload, UPLOAD_ID_HEADER } from './progress.js'
import { declaredLength, failureReason, receiveBody } from './receive.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.media.uploadAudio.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, req, res }) => {
      const { did } = auth.credentials
      const upload = await beginUpload(
        ctx.db,
        did,
        req.headers[UPLOAD_ID_HEADER],
        declaredLength(req),
      )
      try {
        const staged = await receiveBody(ctx, {
          req,
          res,
          body: input.body,
          did,
          max: ctx.media.cfg.maxUploadBytes,
          what: 'upload',
          progressId: upload.followed ? upload.id : undefined,
        })
        try {
          await storeAudio(ctx, did, upload.id, staged)
        } finally {
          await staged.discard()
        }
        if (upload.followed) await finishUpload(ctx.db, upload.id, staged.size)
        return {
          encoding: 'application/json',
          body: { uploadId: upload.id, size: staged.size, sha256: staged.sha256 },
        }
      } catch (err) {
        if (upload.followed) await failUpload(ctx.db, upload.id, failureReason(err))
        throw err
      }
    },
  })
}

/** Probes the staged audio (refusing what is not audio, or too long), stores it, records the upload. */
async function storeAudio(ctx: AppContext, did: string, uploadId: string, staged: Staged) {
  const { media } = ctx
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
  const object = { ...staged, contentType: probed.contentType }
  await addObject(ctx.db, media.storage, object, async (tx) => {
    await tx
      .insertInto('media_upload')
      .values({ id: uploadId, did, sha256: staged.sha256, size: staged.size })
      .execute()
  })
}
