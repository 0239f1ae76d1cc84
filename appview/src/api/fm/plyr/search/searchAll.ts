import { InvalidRequestError, type Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { keepVisible, type RuledState } from '../../../../rules/apply.js'
import { type SearchHit, searchSkeleton } from '../../../../skeleton/search.js'
import { presentProfileBasic } from '../../../../views/actor.js'
import { presentList } from '../../../../views/list.js'
import { presentTracks } from '../../../../views/track.js'

type Input = ReadInput<fm.plyr.search.searchAll.$Params>
type Skeleton = {
  tracks: string[]
  artists: string[]
  albums: string[]
  playlists: string[]
  tags: { name: string; trackCount: number }[]
}

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.search.searchAll.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await searchAll({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** The best matches of each kind: tracks, artists, albums, playlists and tags. */
const searchAll = createPipeline({ skeleton, hydration, rules, presentation })

async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const q = params.q.trim()
  if (q === '') throw new InvalidRequestError('q is blank')
  const hits = await searchSkeleton(reader, q, params.limit ?? 10)
  const ids = (kind: SearchHit['kind']) => hits.filter((h) => h.kind === kind).map((h) => h.id)
  return {
    tracks: ids('track'),
    artists: ids('artist'),
    albums: ids('album'),
    playlists: ids('playlist'),
    tags: hits.filter((h) => h.kind === 'tag').map((h) => ({ name: h.id, trackCount: h.n ?? 0 })),
  }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, {
    tracks: skeleton.tracks,
    actors: skeleton.artists,
    lists: [...skeleton.albums, ...skeleton.playlists],
  })
}

function rules(_input: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  return {
    tracks: keepVisible(state, skeleton.tracks),
    artists: keepVisible(state, skeleton.artists),
    albums: keepVisible(state, skeleton.albums),
    playlists: keepVisible(state, skeleton.playlists),
    tags: skeleton.tags,
  }
}

function presentation({ reader }: Input, skeleton: Skeleton, state: RuledState) {
  return {
    tracks: presentTracks(skeleton.tracks, state, reader.publicUrl),
    artists: skeleton.artists.flatMap((did) => presentProfileBasic(did, state) ?? []),
    albums: skeleton.albums.flatMap((uri) => presentList(uri, state) ?? []),
    playlists: skeleton.playlists.flatMap((uri) => presentList(uri, state) ?? []),
    tags: skeleton.tags,
  }
}
