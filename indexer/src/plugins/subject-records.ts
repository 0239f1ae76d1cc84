import type { LexMap } from '@atproto/lex'
import { anyOf } from '../store/bulk.js'
import type { IndexedRecord, Tx } from './plugin.js'

type StrongRef = { uri: string; cid: string }

/** The subject (a strongRef to a track) of a like or comment. */
export function subjectOf(record: LexMap): StrongRef {
  return (record as unknown as { subject: StrongRef }).subject
}

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

export const subjectsOf = (records: IndexedRecord[]) => records.map((r) => subjectOf(r.record).uri)
