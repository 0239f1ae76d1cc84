import type { LikeTable } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { Selectable } from 'kysely'
import type { HydratedActor } from '../hydration/actors.js'
import { presentProfileBasic } from './actor.js'

type LikeView = fm.plyr.feed.defs.LikeView

export function presentLike(
  like: Pick<Selectable<LikeTable>, 'uri' | 'created_at' | 'indexed_at'>,
  actor: HydratedActor,
): LikeView {
  return {
    uri: like.uri as LikeView['uri'],
    actor: presentProfileBasic(actor),
    createdAt: like.created_at.toISOString() as LikeView['createdAt'],
    indexedAt: like.indexed_at.toISOString() as LikeView['indexedAt'],
  }
}
