import { TID } from '@atproto/common-web'
import type { AtUriString } from '@atproto/lex'
import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { startJob } from '../media/start-job.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.createTrack.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, res }) => {
      const { did, grantId } = auth.credentials
      const { uploadId, ...metadata } = input.body
      const collection = ctx.cfg.namespace.collection('track')
      const made = await ctx.db.transaction().execute(async (tx) => {
        const upload = await tx
          .deleteFrom('media_upload')
          .where('id', '=', uploadId)
          .where('did', '=', did)
          .returning(['sha256'])
          .executeTakeFirst()
        if (!upload) {
          throw new InvalidRequestError(
            `no upload ${uploadId} of this account is waiting: upload the audio first`,
            'UploadNotFound',
          )
        }
        // the same artist, the same audio: the track that has it already
        const existing =
          (
            await tx
              .selectFrom('media_version')
              .select('track_uri as uri')
              .where('did', '=', did)
              .where('original_sha256', '=', upload.sha256)
              .executeTakeFirst()
          )?.uri ??
          (
            await tx
              .selectFrom('media_job')
              .select('rkey')
              .where('did', '=', did)
              .where('sha256', '=', upload.sha256)
              .where('state', 'in', ['queued', 'running'])
              .executeTakeFirst()
          )?.rkey
        if (existing) {
          const uri = existing.startsWith('at://')
            ? existing
            : `at://${did}/${collection}/${existing}`
          throw new InvalidRequestError(`this audio is already your track ${uri}`, 'DuplicateTrack')
        }
        if (metadata.imageId !== undefined) {
          const image = await tx
            .selectFrom('media_image')
            .select('id')
            .where('id', '=', metadata.imageId)
            .where('did', '=', did)
            .executeTakeFirst()
          if (!image) {
            throw new InvalidRequestError(
              `no image ${metadata.imageId} of this account`,
              'ImageNotFound',
            )
          }
        }
        const rkey = TID.nextStr()
        const id = await startJob(
          tx,
          ctx,
          res,
          {
            did,
            grantId,
            sha256: upload.sha256,
            rkey,
            input: metadata,
          },
          uploadId,
        )
        return { jobId: id, uri: `at://${did}/${collection}/${rkey}` as AtUriString }
      })
      ctx.mediaWorker?.wake()
      return { encoding: 'application/json', body: made }
    },
  })
}
