import { insertRows } from '@plyr/db'
import type { PlyrNamespace, PlyrRecord } from '@plyr/lexicons'
import { type RecordPlugin, storedUris } from './plugin.js'
import { deleteSubjectRows, subjectsOf } from './subject-records.js'

export function commentPlugin(ns: PlyrNamespace): RecordPlugin<PlyrRecord<'comment'>> {
  return {
    collection: ns.collection('comment'),
    validate: (record) => ns.validateRecord('comment', record),

    async upsert(tx, records) {
      const before = await deleteSubjectRows(tx, 'comment', storedUris(records))
      const rows = records.map(({ uri, did, record, indexedAt }) => ({
        uri,
        did,
        subject_uri: record.subject.uri,
        subject_cid: record.subject.cid,
        text: record.text,
        timestamp_ms: record.timestampMs,
        created_at: new Date(record.createdAt),
        indexed_at: indexedAt,
      }))
      await insertRows(
        tx,
        'comment',
        [
          'uri',
          'did',
          'subject_uri',
          'subject_cid',
          'text',
          'timestamp_ms',
          'created_at',
          'indexed_at',
        ],
        rows,
      )
      return { comment_count: [...before, ...subjectsOf(records)] }
    },

    delete: async (tx, uris) => ({ comment_count: await deleteSubjectRows(tx, 'comment', uris) }),
  }
}
