import type { LabelRow } from '@plyr/db'
import type { HydratedActor } from '../hydration/actors.js'
import type { fm } from '@plyr/lexicons'
import { presentProfileBasic } from './actor.js'
import { presentLabel } from './label.js'

type ProfileView = fm.plyr.actor.defs.ProfileView

export type ProfileCounts = Pick<
  ProfileView,
  'trackCount' | 'albumCount' | 'playlistCount' | 'likeCount'
>

export function presentProfile(
  actor: HydratedActor,
  context: { counts: ProfileCounts; labels: LabelRow[] },
): ProfileView {
  // the basic view's fields, under this view's type
  const { $type: _basic, ...basic } = presentProfileBasic(actor)
  return {
    ...basic,
    ...(actor.bio !== null ? { bio: actor.bio } : {}),
    ...context.counts,
    ...(context.labels.length > 0 ? { labels: context.labels.map(presentLabel) } : {}),
    indexedAt: actor.indexed_at.toISOString() as ProfileView['indexedAt'],
  }
}
