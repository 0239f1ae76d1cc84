import type { PlyrNamespace } from '@plyr/lexicons'
import { insertRows } from '../store/bulk.js'
import { type RecordPlugin, storedUris } from './plugin.js'
import { deleteSubjectRows, subjectOf, subjectsOf } from './subject-records.js'

type CommentRecord = { text: string; timestampMs: number; createdAt: string }

export function commentPlugin(ns: PlyrNamespace): RecordPlugin {
  return {
    collection: ns.collection('comment'),
    validate: (record) => ns.validateRecord('comment', record),

    async upsert(tx, records) {
      const before = await deleteSubjectRows(tx, 'comment', storedUris(records))
      const rows = records.map(({ uri, did, record, indexedAt }) => {
        const r = record as unknown as CommentRecord
        return {
          uri,
          did,
          subject_uri: subjectOf(record).uri,
          subject_cid: subjectOf(record).cid,
          text: r.text,
          timestamp_ms: r.timestampMs,
          created_at: new Date(r.createdAt),
          indexed_at: indexedAt,
        }
      })
      await insertRows(
        tx,
        'comment',
        {
          uri: 'text',
          did: 'text',
          subject_uri: 'text',
          subject_cid: 'text',
          text: 'text',
          timestamp_ms: 'int',
          created_at: 'timestamptz',
          indexed_at: 'timestamptz',
        },
        rows,
      )
      return { comment_count: [...before, ...subjectsOf(records)] }
    },

    delete: async (tx, uris) => ({ comment_count: await deleteSubjectRows(tx, 'comment', uris) }),
  }
}
