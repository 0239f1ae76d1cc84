import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { ownRecord } from '../../../../writes/stored.js'

type Version = fm.plyr.feed.getTrackVersions.Version

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTrackVersions.main, {
    auth: ctx.auth.signedIn,
    handler: async ({ auth, params }) => {
      await ownRecord(ctx, auth.credentials, 'track', params.uri)
      const rows = await ctx.db
        .selectFrom('media_version')
        .select(['version', 'original_format', 'duration', 'created_at'])
        .where('track_uri', '=', params.uri)
        .orderBy('version', 'desc')
        .execute()
      const versions: Version[] = rows.map((r) => ({
        version: r.version,
        format: r.original_format,
        duration: Math.round(r.duration),
        createdAt: r.created_at.toISOString() as Version['createdAt'],
      }))
      return { encoding: 'application/json', body: { versions } }
    },
  })
}
