import type { HydrationState } from '../hydration/hydrator.js'
import { audioSource, avatarSource, trustedImage } from './media.js'
import { type Hidden, hiddenError, visibility } from './visibility.js'

/**
 * A hydration state with the rules' decisions, which is all a view reads: views present
 * what was decided and never decide again.
 */
export type RuledState = HydrationState & {
  /** Whether each hydrated record (by uri) and account (by DID) may be shown, or why not. */
  visibility: Map<string, 'visible' | Hidden>
  /**
   * Where each visible track's audio is, when plyr may send a listener there: `stored`
   * when plyr stores it (uploaded through plyr), else a URL.
   */
  audio: Map<string, string>
  /** Each visible track's image, when its origin is trusted. */
  images: Map<string, string>
  /** Each account's avatar, when there is one plyr may show. */
  avatars: Map<string, string>
}

/** The rules step: visibility and trusted media, decided once over the whole state. */
export function applyRules(state: HydrationState): RuledState {
  const verdicts = new Map<string, 'visible' | Hidden>()
  const decide = (id: string, did: string) => {
    const actor = state.actors.get(did)
    let verdict = visibility(actor, state.labels, id)
    // an artist still sees their own record that a label hides, the label in its view
    // (viewer state), unless the account itself is taken down
    if (verdict === 'taken-down' && did === state.viewer && id !== did) {
      verdict = visibility(actor, state.labels, did)
    }
    verdicts.set(id, verdict ?? 'visible')
  }
  for (const did of state.actors.keys()) decide(did, did)
  for (const records of [state.tracks, state.lists, state.comments, state.likes]) {
    for (const [uri, record] of records) decide(uri, record.did)
  }
  const audio = new Map<string, string>()
  const images = new Map<string, string>()
  for (const [uri, track] of state.tracks) {
    if (verdicts.get(uri) !== 'visible') continue
    // audio uploaded through plyr is served by plyr itself (http/audio.ts)
    const source = state.media.has(uri)
      ? 'stored'
      : audioSource(track, state.actors.get(track.did)!.pds)
    if (source) audio.set(uri, source)
    const image = trustedImage(track)
    if (image) images.set(uri, image)
  }
  const avatars = new Map<string, string>()
  for (const [did, actor] of state.actors) {
    const avatar = avatarSource(actor)
    if (avatar) avatars.set(did, avatar)
  }
  return { ...state, visibility: verdicts, audio, images, avatars }
}

/** Why `id` (a record uri or an account DID) may not be shown, or undefined: it may. */
export function hiddenReason(state: RuledState, id: string): Hidden | undefined {
  const verdict = state.visibility.get(id)
  // what the hydration did not find does not exist
  return verdict === 'visible' ? undefined : (verdict ?? 'not-found')
}

/** Whether `id` may be shown. */
export function isVisible(state: RuledState, id: string): boolean {
  return hiddenReason(state, id) === undefined
}

/** The ids that may be shown, in their order. */
export function keepVisible(state: RuledState, ids: string[]): string[] {
  return ids.filter((id) => isVisible(state, id))
}

/**
 * Nothing unless `id`, the subject of a request, may be shown; else the typed error
 * (`<Kind>NotFound`, `<Kind>TakenDown`) naming it as the request did (`asRequested`).
 */
export function requireVisible(
  state: RuledState,
  kind: 'Track' | 'List' | 'Actor',
  id: string,
  asRequested: string = id,
): void {
  const hidden = hiddenReason(state, id)
  if (hidden) throw hiddenError(kind, hidden, asRequested)
}
