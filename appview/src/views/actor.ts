import type { fm } from '@plyr/lexicons'
import type { RuledState } from '../rules/apply.js'

type ProfileViewBasic = fm.plyr.actor.defs.ProfileViewBasic

/** An account as other views show it; undefined when it was not hydrated. */
export function presentProfileBasic(did: string, state: RuledState): ProfileViewBasic | undefined {
  const actor = state.actors.get(did)
  if (!actor) return undefined
  const avatar = state.avatars.get(did)
  return {
    did: actor.did as ProfileViewBasic['did'],
    handle: (actor.handle ?? 'handle.invalid') as ProfileViewBasic['handle'],
    ...(actor.display_name ? { displayName: actor.display_name } : {}),
    ...(avatar ? { avatar: avatar as ProfileViewBasic['avatar'] } : {}),
  }
}
