import type { PlyrNamespace } from '@plyr/lexicons'
import { insertRows } from '../store/bulk.js'
import { type RecordPlugin, storedUris } from './plugin.js'
import { deleteSubjectRows, subjectOf, subjectsOf } from './subject-records.js'

export function likePlugin(ns: PlyrNamespace): RecordPlugin {
  return {
    collection: ns.collection('like'),
    validate: (record) => ns.validateRecord('like', record),

    async upsert(tx, records) {
      // an update may point a like elsewhere: the old subject's count changes too
      const before = await deleteSubjectRows(tx, 'like', storedUris(records))
      const rows = records.map(({ uri, did, record, indexedAt }) => ({
        uri,
        did,
        subject_uri: subjectOf(record).uri,
        subject_cid: subjectOf(record).cid,
        created_at: new Date((record as { createdAt: string }).createdAt),
        indexed_at: indexedAt,
      }))
      await insertRows(
        tx,
        'like',
        {
          uri: 'text',
          did: 'text',
          subject_uri: 'text',
          subject_cid: 'text',
          created_at: 'timestamptz',
          indexed_at: 'timestamptz',
        },
        rows,
      )
      return { like_count: [...before, ...subjectsOf(records)] }
    },

    delete: async (tx, uris) => ({ like_count: await deleteSubjectRows(tx, 'like', uris) }),
  }
}
