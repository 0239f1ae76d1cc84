import type { ListTable } from '@plyr/db'
import type { fm } from '@plyr/lexicons'
import type { Selectable } from 'kysely'
import type { HydratedActor } from '../hydration/actors.js'
import { presentProfileBasic } from './actor.js'

type ListView = fm.plyr.feed.defs.ListView

export function presentList(
  list: Selectable<ListTable>,
  creator: HydratedActor,
  itemCount: number,
): ListView {
  return {
    uri: list.uri as ListView['uri'],
    cid: list.cid as ListView['cid'],
    creator: presentProfileBasic(creator),
    ...(list.name !== null ? { name: list.name } : {}),
    ...(list.list_type !== null ? { listType: list.list_type } : {}),
    itemCount,
    createdAt: list.created_at.toISOString() as ListView['createdAt'],
  }
}
