import { type LexMap, lexToJson } from '@atproto/lex'
import type { Tx } from '../plugins/plugin.js'

export async function storedRev(tx: Tx, uri: string): Promise<string | undefined> {
  const row = await tx.selectFrom('record').select('rev').where('uri', '=', uri).executeTakeFirst()
  return row?.rev
}

export type RawRecord = {
  uri: string
  did: string
  collection: string
  rkey: string
  cid: string
  rev: string
  record: LexMap
  indexedAt: Date
}

export async function putRecord(tx: Tx, r: RawRecord): Promise<void> {
  const json = JSON.stringify(lexToJson(r.record))
  await tx
    .insertInto('record')
    .values({
      uri: r.uri,
      did: r.did,
      collection: r.collection,
      rkey: r.rkey,
      cid: r.cid,
      rev: r.rev,
      json,
      indexed_at: r.indexedAt,
    })
    .onConflict((oc) => oc.column('uri').doUpdateSet({ cid: r.cid, rev: r.rev, json }))
    .execute()
}

export async function deleteRecord(tx: Tx, uri: string): Promise<void> {
  await tx.deleteFrom('record').where('uri', '=', uri).execute()
}
