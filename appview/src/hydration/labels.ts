import type { Kysely } from 'kysely'
import type { IndexSchema, LabelRow } from '@plyr/db'
import { labelInForce } from '../rules/visibility.js'

/**
 * The labels in force on these subjects (record uris or account DIDs), from the accepted
 * labelers only: not negated, not expired. One query.
 */
export async function hydrateLabels(
  db: Kysely<IndexSchema>,
  labelers: string[],
  subjects: Iterable<string>,
): Promise<Map<string, LabelRow[]>> {
  const unique = [...new Set(subjects)]
  const labels = new Map<string, LabelRow[]>()
  if (unique.length === 0 || labelers.length === 0) return labels
  const rows = await db
    .selectFrom('label')
    .selectAll()
    .where('uri', 'in', unique)
    .where('src', 'in', labelers)
    .where(labelInForce)
    .orderBy('cts')
    .execute()
  for (const row of rows) labels.set(row.uri, [...(labels.get(row.uri) ?? []), row])
  return labels
}
