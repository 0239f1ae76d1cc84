import { anyOf, insertRows, setExcluded, type Tx } from '@plyr/db'
import type { PlyrNamespace, PlyrRecord } from '@plyr/lexicons'
import { sql } from 'kysely'
import { type RecordPlugin, storedUris } from './plugin.js'

/** Albums, playlists and liked lists (every listType), with their items in record order. */
export function listPlugin(ns: PlyrNamespace): RecordPlugin<PlyrRecord<'list'>> {
  return {
    collection: ns.collection('list'),
    validate: (record) => ns.validateRecord('list', record),

    async upsert(tx, records) {
      const lists = records.map(({ uri, did, cid, record, indexedAt }) => ({
        uri,
        did,
        cid,
        name: record.name ?? null,
        list_type: record.listType ?? null,
        created_at: new Date(record.createdAt),
        indexed_at: indexedAt,
      }))
      await insertRows(
        tx,
        'list',
        ['uri', 'did', 'cid', 'name', 'list_type', 'created_at', 'indexed_at'],
        lists,
        sql`(uri) do update set ${setExcluded(['cid', 'name', 'list_type', 'created_at'])}`,
      )
      await deleteItems(tx, storedUris(records))
      const items = records.flatMap(({ uri, record }) =>
        record.items.map((item, position) => ({
          list_uri: uri,
          position,
          subject_uri: item.subject.uri,
          subject_cid: item.subject.cid,
        })),
      )
      await insertRows(
        tx,
        'list_item',
        ['list_uri', 'position', 'subject_uri', 'subject_cid'],
        items,
      )
      return {}
    },

    async delete(tx, uris) {
      await deleteItems(tx, uris)
      await tx.deleteFrom('list').where('uri', '=', anyOf(uris)).execute()
      return {}
    },
  }
}

async function deleteItems(tx: Tx, uris: string[]) {
  if (uris.length === 0) return
  await tx.deleteFrom('list_item').where('list_uri', '=', anyOf(uris)).execute()
}
