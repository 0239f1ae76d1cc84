import type { PlyrNamespace } from '@plyr/lexicons'
import { insertRows } from '../store/bulk.js'
import { chunks } from './chunks.js'
import type { RecordPlugin, Tx } from './plugin.js'

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
      for (const chunk of chunks(lists, 500)) {
        await tx
          .insertInto('list')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('uri').doUpdateSet((eb) => ({
              cid: eb.ref('excluded.cid'),
              name: eb.ref('excluded.name'),
              list_type: eb.ref('excluded.list_type'),
              created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute()
      }
      await deleteItems(
        tx,
        lists.map((l) => l.uri),
      )
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
      return []
    },

    async delete(tx, uris) {
      await deleteItems(tx, uris)
      await tx.deleteFrom('list').where('uri', 'in', uris).execute()
      return []
    },
  }
}

async function deleteItems(tx: Tx, uris: string[]) {
  for (const chunk of chunks(uris)) {
    await tx.deleteFrom('list_item').where('list_uri', 'in', chunk).execute()
  }
}
