import { hiddenError } from '../rules/visibility.js'
import type { Reader } from '../pipeline/reader.js'

/**
 * The DID a request names an account by: a DID as given, a handle looked up
 * (case-insensitively: handles are stored lowercase). An unknown handle is ActorNotFound;
 * whether the account may be shown is for the rules to decide.
 */
export async function actorDid(reader: Reader, actor: string): Promise<string> {
  if (actor.startsWith('did:')) return actor
  const row = await reader.db
    .selectFrom('actor')
    .select('did')
    .where('handle', '=', actor.toLowerCase())
    .executeTakeFirst()
  if (!row) throw hiddenError('Actor', 'not-found', actor)
  return row.did
}
