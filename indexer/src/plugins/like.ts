import { insertRows } from '@plyr/db'
import type { PlyrNamespace, PlyrRecord } from '@plyr/lexicons'
import { type RecordPlugin, storedUris } from './plugin.js'
import { deleteSubjectRows, subjectsOf } from './subject-records.js'

export function likePlugin(ns: PlyrNamespace): RecordPlugin<PlyrRecord<'like'>> {
  return {
    collection: ns.collection('like'),
    validate: (record) => ns.validateRecord('like', record),

    async upsert(tx, records) {
      // an update may point a like elsewhere: the old subject's count changes too
      const before = await deleteSubjectRows(tx, 'like', storedUris(records))
      const rows = records.map(({ uri, did, record, indexedAt }) => ({
        uri,
        did,
        subject_uri: record.subject.uri,
        subject_cid: record.subject.cid,
        created_at: new Date(record.createdAt),
        indexed_at: indexedAt,
      }))
      await insertRows(
        tx,
        'like',
        ['uri', 'did', 'subject_uri', 'subject_cid', 'created_at', 'indexed_at'],
        rows,
      )
      return { like_count: [...before, ...subjectsOf(records)] }
    },

    delete: async (tx, uris) => ({ like_count: await deleteSubjectRows(tx, 'like', uris) }),
  }
}
