import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm, type RecordName, recordLexicons } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { cancelAccountJobs } from '../../../../media/jobs.js'
import { deleteAccountMedia } from '../../../../media/account.js'
import { writeRecord } from '../../../../writes/pds-write.js'
import { perAccountWrites } from '../../../../writes/rate-limit.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.actor.deleteData.main, {
    auth: ctx.auth.signedIn,
    rateLimit: perAccountWrites,
    handler: async ({ auth, input }) => {
      const account = auth.credentials
      if (input.body.did !== account.did) {
        throw new InvalidRequestError(
          'the DID given is not the signed-in account: nothing was deleted',
          'ConfirmationMismatch',
        )
      }
      // first: a job still running publishes nothing after this (it checks before it
      // commits and before it writes; one past its check undoes its record itself)
      await ctx.db.transaction().execute((tx) => cancelAccountJobs(tx, account.did))
      const pds = await account.pds()
      let records = 0
      for (const name of Object.keys(recordLexicons) as RecordName[]) {
        const collection = ctx.cfg.namespace.collection(name)
        for (;;) {
          // each page is deleted before the next is read: the listing starts over each time
          const page = await pds.listRecords(collection, { repo: account.did, limit: 100 })
          if (page.body.records.length === 0) break
          for (const record of page.body.records) {
            const rkey = record.uri.split('/').pop()!
            await writeRecord(ctx, account, { op: 'delete', name, rkey })
            records++
          }
        }
      }
      await deleteAccountMedia(ctx.db, ctx.media.storage, account.did)
      ctx.logger.info({ did: account.did, records }, "an account's plyr data was deleted")
      return { encoding: 'application/json', body: { records } }
    },
  })
}
