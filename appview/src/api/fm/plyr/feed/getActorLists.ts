import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { listsNewestFirst } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { keepVisible, requireVisible, type RuledState } from '../../../../rules/apply.js'
import { visibleLists } from '../../../../rules/visibility.js'
import { actorDid } from '../../../../skeleton/actor.js'
import { presentList } from '../../../../views/list.js'

type Input = ReadInput<fm.plyr.feed.getActorLists.$Params>
type Skeleton = { actor: string; lists: string[]; cursor?: string }

/** Without a listType: what a profile shows, albums and playlists. */
const DEFAULT_TYPES = ['album', 'playlist']

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getActorLists.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getActorLists({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** An account's lists, newest first. */
const getActorLists = createPipeline({ skeleton, hydration, rules, presentation })

/** One query over (did, created_at desc, uri desc). */
async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const limit = params.limit ?? 50
  const after = listsNewestFirst.decode(params.cursor)
  const actor = await actorDid(reader, params.actor)
  const query = visibleLists(reader)
    .select(['list.uri', 'list.created_at'])
    .where('list.did', '=', actor)
    .where('list.list_type', 'in', params.listType ? [params.listType] : DEFAULT_TYPES)
  const rows = await listsNewestFirst.page(query, after, limit).execute()
  return { actor, lists: rows.map((r) => r.uri), ...listsNewestFirst.next(rows, limit) }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { actors: [skeleton.actor], lists: skeleton.lists })
}

function rules({ params }: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  // ActorNotFound / ActorTakenDown when the account is unknown or hidden
  requireVisible(state, 'Actor', skeleton.actor, params.actor)
  return { ...skeleton, lists: keepVisible(state, skeleton.lists) }
}

function presentation(_input: Input, skeleton: Skeleton, state: RuledState) {
  return {
    lists: skeleton.lists.flatMap((uri) => presentList(uri, state) ?? []),
    ...(skeleton.cursor ? { cursor: skeleton.cursor } : {}),
  }
}
