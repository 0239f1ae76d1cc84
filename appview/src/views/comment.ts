import type { CommentTable } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { Selectable } from 'kysely'
import type { HydratedActor } from '../hydration/actors.js'
import { presentProfileBasic } from './actor.js'

type CommentView = fm.plyr.feed.defs.CommentView

export function presentComment(
  comment: Selectable<CommentTable>,
  author: HydratedActor,
): CommentView {
  return {
    uri: comment.uri as CommentView['uri'],
    author: presentProfileBasic(author),
    text: comment.text,
    timestampMs: comment.timestamp_ms,
    createdAt: comment.created_at.toISOString() as CommentView['createdAt'],
  }
}
