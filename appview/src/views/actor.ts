import type { fm } from '@plyr/lexicons'
import type { HydratedActor } from '../hydration/actors.js'
import { pdsBlobUrl } from '../links.js'

type ProfileViewBasic = fm.plyr.actor.defs.ProfileViewBasic

export function presentProfileBasic(actor: HydratedActor): ProfileViewBasic {
  const avatar = avatarUrl(actor)
  return {
    did: actor.did as ProfileViewBasic['did'],
    handle: (actor.handle ?? 'handle.invalid') as ProfileViewBasic['handle'],
    ...(actor.display_name ? { displayName: actor.display_name } : {}),
    ...(avatar ? { avatar: avatar as ProfileViewBasic['avatar'] } : {}),
  }
}

/**
 * The plyr profile's avatar when its URL is trusted, else the Bluesky profile's avatar
 * blob from the actor's PDS; none when neither is there.
 */
function avatarUrl(actor: HydratedActor): string | undefined {
  if (actor.profile_avatar_url !== null) return actor.profile_avatar_url
  if (actor.avatar_cid !== null && actor.pds !== null) {
    return pdsBlobUrl(actor.pds, actor.did, actor.avatar_cid)
  }
  return undefined
}
