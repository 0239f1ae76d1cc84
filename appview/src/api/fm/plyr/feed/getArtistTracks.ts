import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { tracksNewestFirst } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { trackPage } from '../../../../pipeline/track-page.js'
import { keepVisible, requireVisible, type RuledState } from '../../../../rules/apply.js'
import { actorDid } from '../../../../skeleton/actor.js'
import { newestTracks } from '../../../../skeleton/newest-tracks.js'

type Input = ReadInput<fm.plyr.feed.getArtistTracks.$Params>
type Skeleton = { artist: string; tracks: string[]; cursor?: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getArtistTracks.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getArtistTracks({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** One artist's tracks, newest first. */
const getArtistTracks = createPipeline({
  skeleton,
  hydration,
  rules,
  presentation: trackPage.presentation,
})

async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const after = tracksNewestFirst.decode(params.cursor)
  const artist = await actorDid(reader, params.actor)
  const page = await newestTracks(reader, { after, limit: params.limit ?? 50, did: artist })
  return { artist, ...page }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { actors: [skeleton.artist], tracks: skeleton.tracks })
}

function rules({ params }: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  // ActorNotFound / ActorTakenDown when the artist is unknown or hidden
  requireVisible(state, 'Actor', skeleton.artist, params.actor)
  return { ...skeleton, tracks: keepVisible(state, skeleton.tracks) }
}
