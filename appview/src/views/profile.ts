import type { fm } from '@plyr/lexicons'
import type { RuledState } from '../rules/apply.js'
import { presentProfileBasic } from './actor.js'
import { presentLabel } from './label.js'

type ProfileView = fm.plyr.actor.defs.ProfileView

/** An account's profile, with its counts and the labels on it. */
export function presentProfile(did: string, state: RuledState): ProfileView | undefined {
  const actor = state.actors.get(did)
  const basic = presentProfileBasic(did, state)
  const counts = state.profileCounts.get(did)
  if (!actor || !basic || !counts) return undefined
  // the basic view's fields, under this view's type
  const { $type: _basic, ...fields } = basic
  const labels = state.labels.get(did) ?? []
  return {
    ...fields,
    ...(actor.bio !== null ? { bio: actor.bio } : {}),
    ...counts,
    ...(labels.length > 0 ? { labels: labels.map(presentLabel) } : {}),
    indexedAt: actor.indexed_at.toISOString() as ProfileView['indexedAt'],
  }
}
