import type { fm } from '@plyr/lexicons'
import type { RuledState } from '../rules/apply.js'
import { presentProfileBasic } from './actor.js'

type CommentView = fm.plyr.feed.defs.CommentView

export function presentComment(uri: string, state: RuledState): CommentView | undefined {
  const comment = state.comments.get(uri)
  const author = comment && presentProfileBasic(comment.did, state)
  if (!comment || !author) return undefined
  return {
    uri: comment.uri as CommentView['uri'],
    author,
    text: comment.text,
    timestampMs: comment.timestamp_ms,
    createdAt: comment.created_at.toISOString() as CommentView['createdAt'],
  }
}
