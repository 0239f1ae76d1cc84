import type { LabelRow } from '@plyr/db'
import { type HydratedActor, selectActors } from '../hydration/actors.js'
import { hydrateLabels } from '../hydration/labels.js'
import { visibility } from '../rules/visibility.js'
import type { Reader } from './reader.js'
import { hiddenError } from './record-visibility.js'

/**
 * A visible actor by DID or handle, with the labels in force on the account (read to
 * decide its visibility; a profile shows them). Unknown and inactive actors are
 * ActorNotFound; an account an accepted labeler took down is ActorTakenDown.
 */
export async function resolveActor(
  reader: Reader,
  actor: string,
): Promise<{ actor: HydratedActor; labels: LabelRow[] }> {
  const row = await selectActors(reader.db)
    // handles are case-insensitive (stored lowercase); DIDs are matched exactly
    .where(
      actor.startsWith('did:') ? 'actor.did' : 'actor.handle',
      '=',
      actor.startsWith('did:') ? actor : actor.toLowerCase(),
    )
    .executeTakeFirst()
  const labels = row ? await hydrateLabels(reader.db, reader.labelers, [row.did]) : new Map()
  const hidden = row ? visibility(row, labels, row.did) : 'not-found'
  if (hidden || !row) throw hiddenError('Actor', hidden ?? 'not-found', actor)
  return { actor: row, labels: labels.get(row.did) ?? [] }
}
