import type { LexMap } from '@atproto/lex'
import { chunks } from './chunks.js'
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
  const subjects: string[] = []
  for (const chunk of chunks(uris)) {
    const rows = await tx
      .deleteFrom(table)
      .where('uri', 'in', chunk)
      .returning('subject_uri')
      .execute()
    subjects.push(...rows.map((r) => r.subject_uri))
  }
  return subjects
}

export const subjectsOf = (records: IndexedRecord[]) => records.map((r) => subjectOf(r.record).uri)
