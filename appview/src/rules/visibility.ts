import { sql } from 'kysely'
import type { ActorRow, LabelRow } from '@plyr/db'

/** Label values that take a record (or, on a DID, an account) out of every view. */
const HIDING_LABELS = ['!takedown', 'copyright-violation'] as const

function hasHidingLabel(labels: LabelRow[] | undefined): boolean {
  return labels?.some((l) => (HIDING_LABELS as readonly string[]).includes(l.val)) ?? false
}

/** Why a record cannot be shown, if it cannot. */
export type Hidden = 'not-found' | 'taken-down'

/**
 * The rule every view applies: an account that is not active hides its records as if they
 * did not exist; a hiding label on the record or the account takes it down.
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

/**
 * Whether a row of `label` is in force: not negated, not expired (by the database's clock,
 * wherever a label is read).
 */
export const labelInForce = sql<boolean>`not label.neg and (label.exp is null or label.exp > now())`

/**
 * The same rule inside a skeleton query: no hiding label from an accepted labeler on the
 * record (`uriColumn`) or its author (`didColumn`). The caller joins `actor` for status.
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
