import type { ActorRow } from '@plyr/db'
import type { fm } from '@plyr/lexicons'

type ProfileViewBasic = fm.plyr.actor.defs.ProfileViewBasic

export function presentProfileBasic(actor: ActorRow): ProfileViewBasic {
  return {
    did: actor.did as ProfileViewBasic['did'],
    handle: (actor.handle ?? 'handle.invalid') as ProfileViewBasic['handle'],
    ...(actor.display_name ? { displayName: actor.display_name } : {}),
  }
}
