import { InvalidRequestError } from '@atproto/xrpc-server'
import { type HydratedActor, selectActors } from '../hydration/actors.js'
import { hydrateLabels } from '../hydration/labels.js'
import { visibility } from '../rules/visibility.js'
import type { Reader } from './reader.js'

/**
 * A visible actor by DID or handle. Unknown and inactive actors are ActorNotFound; an
 * account an accepted labeler took down is ActorTakenDown.
 */
export async function resolveActor(reader: Reader, actor: string): Promise<HydratedActor> {
  const row = await selectActors(reader.db)
    // handles are case-insensitive (stored lowercase); DIDs are matched exactly
    .where(
      actor.startsWith('did:') ? 'actor.did' : 'actor.handle',
      '=',
      actor.startsWith('did:') ? actor : actor.toLowerCase(),
    )
    .executeTakeFirst()
  const labels = row ? await hydrateLabels(reader.db, reader.labelers, [row.did]) : new Map()
  const hidden = visibility(row, labels, row?.did ?? '')
  if (hidden === 'taken-down') {
    throw new InvalidRequestError(`actor taken down: ${actor}`, 'ActorTakenDown')
  }
  if (hidden || !row) throw new InvalidRequestError(`actor not found: ${actor}`, 'ActorNotFound')
  return row
}
