import type { AtUriString } from '@atproto/lex'
import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { ObjectGoneError } from '../../../../media/objects.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'
import { startJob } from '../media/start-job.js'
import { ownRecord } from '../../../../writes/stored.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.restoreTrackAudio.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input, res }) => {
      const { did, grantId } = auth.credentials
      const { uri, version } = input.body
      const stored = await ownRecord(ctx, auth.credentials, 'track', uri)
      const notKept = () =>
        new InvalidRequestError(`${uri} keeps no version ${version}`, 'VersionNotFound')
      const jobId = await ctx.db.transaction().execute(async (tx) => {
        const kept = await tx
          .selectFrom('media_version')
          .select('original_sha256')
          .where('track_uri', '=', uri)
          .where('version', '=', version)
          .executeTakeFirst()
        if (!kept) throw notKept()
        // the kept original is processed again as a new version (the job references it);
        // a version deleted meanwhile may have taken the original with it
        return startJob(tx, ctx, res, {
          did,
          grantId,
          sha256: kept.original_sha256,
          rkey: stored.rkey,
          input: { replace: true },
        }).catch((err: unknown) => {
          throw err instanceof ObjectGoneError ? notKept() : err
        })
      })
      ctx.mediaWorker?.wake()
      return { encoding: 'application/json', body: { jobId, uri: uri as AtUriString } }
    },
  })
}
