import type { Server } from '@atproto/xrpc-server'
import { fm } from '@plyr/lexicons'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { keepVisible, requireVisible, type RuledState } from '../../../../rules/apply.js'
import { presentList } from '../../../../views/list.js'
import { presentTracks } from '../../../../views/track.js'

type Input = ReadInput<fm.plyr.feed.getList.$Params>
type Skeleton = { list: string; tracks: string[] }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getList.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getList({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/** A visible list with its visible tracks: ListNotFound or ListTakenDown otherwise. */
export const getList = createPipeline({ skeleton, hydration, rules, presentation })

/** The list's items in the record's order: at most 500 (lexicon), so one page. */
async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const items = await reader.db
    .selectFrom('list_item')
    .select('subject_uri')
    .where('list_uri', '=', params.uri)
    .orderBy('position')
    .execute()
  return { list: params.uri, tracks: items.map((i) => i.subject_uri) }
}

function hydration({ reader }: Input, skeleton: Skeleton) {
  return hydrate(reader, { lists: [skeleton.list], tracks: skeleton.tracks })
}

function rules(_input: Input, skeleton: Skeleton, state: RuledState): Skeleton {
  requireVisible(state, 'List', skeleton.list)
  return { ...skeleton, tracks: keepVisible(state, skeleton.tracks) }
}

function presentation({ reader }: Input, skeleton: Skeleton, state: RuledState) {
  return {
    list: presentList(skeleton.list, state)!,
    tracks: presentTracks(skeleton.tracks, state, reader.publicUrl),
  }
}
