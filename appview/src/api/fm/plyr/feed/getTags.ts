import type { Server } from '@atproto/xrpc-server'
import { normalizeTag } from '@plyr/core'
import { fm } from '@plyr/lexicons'
import { sql } from 'kysely'
import type { AppContext } from '../../../../context.js'
import { hydrate } from '../../../../hydration/hydrator.js'
import { tagsByUse } from '../../../../pipeline/keysets.js'
import { createPipeline, type ReadInput } from '../../../../pipeline/pipeline.js'
import { readerFor } from '../../../../pipeline/reader.js'
import { visibleTracks } from '../../../../rules/visibility.js'
import { escapeLike } from '../../../../skeleton/like-pattern.js'

type Input = ReadInput<fm.plyr.feed.getTags.$Params>
type Skeleton = { tags: { tag: string; n: number }[]; cursor?: string }

export default function (server: Server, ctx: AppContext) {
  server.add(fm.plyr.feed.getTags.main, {
    auth: ctx.auth.optional,
    handler: async ({ params, auth }) => ({
      encoding: 'application/json',
      body: await getTags({ params, reader: readerFor(ctx, auth) }),
    }),
  })
}

/**
 * The tags of visible tracks, most used first, then alphabetical. The skeleton is the
 * whole answer (a tag and its count): nothing to hydrate, and the visibility rule was
 * applied as the tracks were counted.
 */
const getTags = createPipeline({ skeleton, hydration, rules, presentation })

/** One query: the visible tracks' tags, counted; a prefix narrows it by the tag's trigram index. */
async function skeleton({ params, reader }: Input): Promise<Skeleton> {
  const limit = params.limit ?? 50
  const after = tagsByUse.decode(params.cursor)
  const prefix = normalizeTag(params.q ?? '')
  let query = visibleTracks(reader)
    .innerJoin('track_tag', 'track_tag.track_uri', 'track.uri')
    .select(['track_tag.tag', sql<number>`count(*)::int`.as('n')])
    .groupBy('track_tag.tag')
  if (prefix) query = query.where('track_tag.tag', 'like', `${escapeLike(prefix)}%`)
  const tags = await tagsByUse.page(query, after, limit).execute()
  return { tags, ...tagsByUse.next(tags, limit) }
}

function hydration({ reader }: Input) {
  return hydrate(reader, {})
}

function rules(_input: Input, skeleton: Skeleton): Skeleton {
  return skeleton
}

function presentation(_input: Input, skeleton: Skeleton) {
  return {
    tags: skeleton.tags.map((t) => ({ name: t.tag, trackCount: t.n })),
    ...(skeleton.cursor ? { cursor: skeleton.cursor } : {}),
  }
}
