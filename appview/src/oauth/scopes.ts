import type { PlyrNamespace } from '@plyr/lexicons'

/** What every grant has: the account's identity, nothing more. Sign-in falls back to it. */
export const MINIMAL_SCOPE = 'atproto'

/**
 * The scopes sign-in asks for: writes to each of the namespace's collections (tracks,
 * likes, comments, lists, the artist profile) and audio and image uploads. Granular
 * scopes, so a grant covers plyr's records and nothing else in the account's repository.
 */
export function defaultScope(ns: PlyrNamespace): string {
  return [
    MINIMAL_SCOPE,
    ...Object.values(ns.collections).map((collection) => `repo:${collection}`),
    'blob:audio/*',
    'blob:image/*',
  ].join(' ')
}
