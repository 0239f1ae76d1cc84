import { InvalidRequestError } from '@atproto/xrpc-server'
import { sql } from 'kysely'
import type { ActorRow, LabelRow } from '@plyr/db'
import type { Reader } from '../pipeline/reader.js'

/**
 * Who may be seen, in memory (over a hydration state: `visibility`) and in SQL (inside a
 * skeleton query: `visibleTracks`, `visibleLists`, `notLabelledHidden`): the same rule
 * both ways. A skeleton leaves hidden records out so that a page is full whenever more
 * follow; the rules step applies the rule again to what was hydrated.
 */

/** Label values that take a record (or, on a DID, an account) out of every view. */
const HIDING_LABELS = ['!takedown', 'copyright-violation'] as const

function hasHidingLabel(labels: LabelRow[] | undefined): boolean {
  return labels?.some((l) => (HIDING_LABELS as readonly string[]).includes(l.val)) ?? false
}

/** Why a record or an account cannot be shown, if it cannot. */
export type Hidden = 'not-found' | 'taken-down'

/**
 * The rule: an account that is not active hides its records as if they did not exist; a
 * hiding label on the record (`uri`; the DID itself for an account) or on the account
 * takes it down.
 */
export function visibility(
  actor: ActorRow | undefined,
  labels: Map<string, LabelRow[]>,
  uri: string,
): Hidden | undefined {
  if (!actor || actor.status !== 'active') return 'not-found'
  if (hasHidingLabel(labels.get(uri)) || hasHidingLabel(labels.get(actor.did))) {
    return 'taken-down'
  }
  return undefined
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

/**
 * Whether a row of `label` is in force: not negated, not expired (by the database's clock,
 * wherever a label is read).
 */
export const labelInForce = sql<boolean>`not label.neg and (label.exp is null or label.exp > now())`

/**
 * The rule inside a query: no hiding label from an accepted labeler on the record
 * (`uriColumn`) or its author (`didColumn`). The caller joins `actor` for status.
 */
export function notLabelledHidden(labelers: string[], uriColumn: string, didColumn: string) {
  if (labelers.length === 0) return sql<boolean>`true`
  return sql<boolean>`not exists (
    select 1 from label
    where label.uri in (${sql.ref(uriColumn)}, ${sql.ref(didColumn)})
      and label.src in (${sql.join(labelers)})
      and label.val in (${sql.join([...HIDING_LABELS])})
      and ${labelInForce})`
}

/**
 * The base of every query over tracks that lists them: tracks whose artist is active and
 * which no accepted labeler has hidden (on the track or the artist). Callers add their
 * filter and order.
 */
export function visibleTracks(reader: Reader) {
  return reader.db
    .selectFrom('track')
    .innerJoin('actor', 'actor.did', 'track.did')
    .where('actor.status', '=', 'active')
    .where(notLabelledHidden(reader.labelers, 'track.uri', 'track.did'))
}

/** The same for lists (albums, playlists): an active creator, no hiding label. */
export function visibleLists(reader: Reader) {
  return reader.db
    .selectFrom('list')
    .innerJoin('actor', 'actor.did', 'list.did')
    .where('actor.status', '=', 'active')
    .where(notLabelledHidden(reader.labelers, 'list.uri', 'list.did'))
}
