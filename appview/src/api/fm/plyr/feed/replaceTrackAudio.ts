import type { AtUriString } from '@atproto/lex'
import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { startJob } from '../media/start-job.js'
import { ownRecord } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.replaceTrackAudio.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, res }) => {
      const { did, grantId } = auth.credentials
      const { uri, uploadId } = input.body
      const stored = await ownRecord(ctx, auth.credentials, 'track', uri)
      const jobId = await ctx.db.transaction().execute(async (tx) => {
        const upload = await tx
          .deleteFrom('media_upload')
          .where('id', '=', uploadId)
          .where('did', '=', did)
          .returning('sha256')
          .executeTakeFirst()
        if (!upload) {
          throw new InvalidRequestError(
            `no upload ${uploadId} of this account is waiting`,
            'UploadNotFound',
          )
        }
        return startJob(
          tx,
          ctx,
          res,
          {
            did,
            grantId,
            sha256: upload.sha256,
            rkey: stored.rkey,
            input: { replace: true },
          },
          uploadId,
        )
      })
      ctx.mediaWorker?.wake()
      return { encoding: 'application/json', body: { jobId, uri: uri as AtUriString } }
    },
  })
}
