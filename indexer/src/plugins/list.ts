import type { PlyrNamespace } from '@plyr/lexicons'
import { sql } from 'kysely'
import { anyOf, insertRows, setExcluded } from '../store/bulk.js'
import { type RecordPlugin, storedUris, type Tx } from './plugin.js'

type ListRecord = {
  name?: string
  listType?: string
  items: { subject: { uri: string; cid: string } }[]
  createdAt: string
}

/** Albums, playlists and liked lists (every listType), with their items in record order. */
export function listPlugin(ns: PlyrNamespace): RecordPlugin {
  return {
    collection: ns.collection('list'),
    validate: (record) => ns.validateRecord('list', record),

    async upsert(tx, records) {
      const lists = records.map(({ uri, did, cid, record, indexedAt }) => {
        const r = record as unknown as ListRecord
        return {
          uri,
          did,
          cid,
          name: r.name ?? null,
          list_type: r.listType ?? null,
          created_at: new Date(r.createdAt),
          indexed_at: indexedAt,
        }
      })
      await insertRows(
        tx,
        'list',
        {
          uri: 'text',
          did: 'text',
          cid: 'text',
          name: 'text',
          list_type: 'text',
          created_at: 'timestamptz',
          indexed_at: 'timestamptz',
        },
        lists,
        sql`(uri) do update set ${setExcluded(['cid', 'name', 'list_type', 'created_at'])}`,
      )
      await deleteItems(tx, storedUris(records))
      const items = records.flatMap(({ uri, record }) =>
        (record as unknown as ListRecord).items.map((item, position) => ({
          list_uri: uri,
          position,
          subject_uri: item.subject.uri,
          subject_cid: item.subject.cid,
        })),
      )
      await insertRows(
        tx,
        'list_item',
        { list_uri: 'text', position: 'int', subject_uri: 'text', subject_cid: 'text' },
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
