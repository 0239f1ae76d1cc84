import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrateActors } from '../../../../hydration/actors.js'
import { listViews } from '../../../../pipeline/lists.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { type SearchKind, searchSkeleton } from '../../../../pipeline/search.js'
import { trackViews } from '../../../../pipeline/tracks.js'
import { presentProfileBasic } from '../../../../views/actor.js'

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.search.searchAll.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => {
      const reader = readerFor(ctx, auth)
      const q = params.q.trim()
      if (q === '') throw new InvalidRequestError('q is blank')
      const hits = await searchSkeleton(reader, q, params.limit ?? 10)
      const ids = (kind: SearchKind) => hits.filter((h) => h.kind === kind).map((h) => h.id)
      const [tracks, actors, lists] = await Promise.all([
        trackViews(reader, ids('track')),
        hydrateActors(ctx.db, ids('artist')),
        listViews(reader, [...ids('album'), ...ids('playlist')]),
      ])
      return {
        encoding: 'application/json',
        body: {
          tracks,
          artists: ids('artist').flatMap((did) => {
            const actor = actors.get(did)
            return actor ? [presentProfileBasic(actor)] : []
          }),
          albums: lists.filter((l) => l.listType === 'album'),
          playlists: lists.filter((l) => l.listType === 'playlist'),
          tags: hits
            .filter((h) => h.kind === 'tag')
            .map((h) => ({ name: h.id, trackCount: h.n ?? 0 })),
        },
      }
    },
  })
}
