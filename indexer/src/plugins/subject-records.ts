import { anyOf, type Tx } from '@plyr/db'
import type { IndexedRecord } from './plugin.js'

/** Deletes likes or comments, returning the tracks they pointed at. */
export async function deleteSubjectRows(
  tx: Tx,
  table: 'like' | 'comment',
  uris: string[],
): Promise<string[]> {
  if (uris.length === 0) return []
  const rows = await tx
    .deleteFrom(table)
    .where('uri', '=', anyOf(uris))
    .returning('subject_uri')
    .execute()
  return rows.map((r) => r.subject_uri)
}

/** The tracks (subjects) of likes or comments. */
export const subjectsOf = (records: IndexedRecord<{ subject: { uri: string } }>[]) =>
  records.map((r) => r.record.subject.uri)
