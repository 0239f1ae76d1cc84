import type { fm } from '@plyr/lexicons'
import type { RuledState } from '../rules/apply.js'
import { presentProfileBasic } from './actor.js'

type ListView = fm.plyr.feed.defs.ListView

export function presentList(uri: string, state: RuledState): ListView | undefined {
  const list = state.lists.get(uri)
  const creator = list && presentProfileBasic(list.did, state)
  if (!list || !creator) return undefined
  return {
    uri: list.uri as ListView['uri'],
    cid: list.cid as ListView['cid'],
    creator,
    ...(list.name !== null ? { name: list.name } : {}),
    ...(list.list_type !== null ? { listType: list.list_type } : {}),
    itemCount: state.listItemCounts.get(uri) ?? 0,
    createdAt: list.created_at.toISOString() as ListView['createdAt'],
  }
}
