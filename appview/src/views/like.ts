import type { fm } from '@plyr/lexicons'
import type { RuledState } from '../rules/apply.js'
import { presentProfileBasic } from './actor.js'

type LikeView = fm.plyr.feed.defs.LikeView

export function presentLike(uri: string, state: RuledState): LikeView | undefined {
  const like = state.likes.get(uri)
  const actor = like && presentProfileBasic(like.did, state)
  if (!like || !actor) return undefined
  return {
    uri: like.uri as LikeView['uri'],
    actor,
    createdAt: like.created_at.toISOString() as LikeView['createdAt'],
    indexedAt: like.indexed_at.toISOString() as LikeView['indexedAt'],
  }
}
