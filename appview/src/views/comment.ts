import type { ActorRow, CommentTable } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { Selectable } from 'kysely'
import { presentProfileBasic } from './actor.js'

type CommentView = fm.plyr.feed.defs.CommentView

export function presentComment(comment: Selectable<CommentTable>, author: ActorRow): CommentView {
  return {
    uri: comment.uri as CommentView['uri'],
    author: presentProfileBasic(author),
    text: comment.text,
    timestampMs: comment.timestamp_ms,
    createdAt: comment.created_at.toISOString() as CommentView['createdAt'],
  }
}
