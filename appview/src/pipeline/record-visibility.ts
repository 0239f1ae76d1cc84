import { InvalidRequestError } from '@atproto/xrpc-server'
import { type HydratedActor, hydrateActors } from '../hydration/actors.js'
import { hydrateLabels } from '../hydration/labels.js'
import { type Hidden, visibility } from '../rules/visibility.js'
import type { Reader } from './reader.js'

/**
 * Whether one record by `did` can be shown: its author and, if it cannot, why (the rule of
 * rules/visibility.ts). Two queries, run together.
 */
export async function recordVisibility(
  reader: Reader,
  uri: string,
  did: string,
): Promise<{ author: HydratedActor | undefined; hidden: Hidden | undefined }> {
  const [actors, labels] = await Promise.all([
    hydrateActors(reader.db, [did]),
    hydrateLabels(reader.db, reader.labelers, [uri, did]),
  ])
  const author = actors.get(did)
  return { author, hidden: visibility(author, labels, uri) }
}

/** The typed error for a hidden subject: `<Kind>TakenDown` or `<Kind>NotFound`. */
export function hiddenError(
  kind: 'Track' | 'List' | 'Actor',
  hidden: Hidden,
  subject: string,
): InvalidRequestError {
  const noun = kind.toLowerCase()
  return hidden === 'taken-down'
    ? new InvalidRequestError(`${noun} taken down: ${subject}`, `${kind}TakenDown`)
    : new InvalidRequestError(`${noun} not found: ${subject}`, `${kind}NotFound`)
}
