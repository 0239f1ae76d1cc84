import { type Insertable, sql } from 'kysely'
import type { InvalidRecordTable } from '@plyr/db'
import { insertRows, setExcluded } from './bulk.js'
import { chunks } from '../plugins/chunks.js'
import type { Tx } from '../plugins/plugin.js'

export type StoredVersions = { records: Map<string, string>; tombstones: Map<string, string> }

/** The stored rev of each uri, and of each tombstone, in two queries. */
export async function storedVersions(tx: Tx, uris: string[]): Promise<StoredVersions> {
  const records = new Map<string, string>()
  const tombstones = new Map<string, string>()
  for (const chunk of chunks(uris)) {
    for (const r of await tx
      .selectFrom('record')
      .select(['uri', 'rev'])
      .where('uri', 'in', chunk)
      .execute())
      records.set(r.uri, r.rev)
    for (const t of await tx
      .selectFrom('tombstone')
      .select(['uri', 'rev'])
      .where('uri', 'in', chunk)
      .execute())
      tombstones.set(t.uri, t.rev)
  }
  return { records, tombstones }
}

export type RawRecord = {
  uri: string
  did: string
  collection: string
  rkey: string
  cid: string
  rev: string
  /** The record as JSON text. */
  json: string
  indexedAt: Date
}

/** Writes records; `tombstones`: the uris known to have one, which a newer write clears. */
export async function putRecords(
  tx: Tx,
  records: RawRecord[],
  tombstones: ReadonlyMap<string, string>,
): Promise<void> {
  const rows = records.map((r) => ({
    uri: r.uri,
    did: r.did,
    collection: r.collection,
    rkey: r.rkey,
    cid: r.cid,
    rev: r.rev,
    json: r.json,
    indexed_at: r.indexedAt,
  }))
  await insertRows(
    tx,
    'record',
    {
      uri: 'text',
      did: 'text',
      collection: 'text',
      rkey: 'text',
      cid: 'text',
      rev: 'text',
      json: 'json',
      indexed_at: 'timestamptz',
    },
    rows,
    sql`(uri) do update set ${setExcluded(['cid', 'rev', 'json'])}`,
  )
  // a record written again after its delete no longer needs the tombstone
  const cleared = rows.map((r) => r.uri).filter((uri) => tombstones.has(uri))
  for (const chunk of chunks(cleared)) {
    await tx.deleteFrom('tombstone').where('uri', 'in', chunk).execute()
  }
}

export type Deletion = { uri: string; did: string; collection: string; rev: string }

/** Removes the raw records and leaves tombstones, so older creates cannot return. */
export async function tombstoneRecords(tx: Tx, deletions: Deletion[], at: Date): Promise<void> {
  for (const chunk of chunks(deletions)) {
    await tx
      .deleteFrom('record')
      .where(
        'uri',
        'in',
        chunk.map((d) => d.uri),
      )
      .execute()
    await tx
      .insertInto('tombstone')
      .values(chunk.map((d) => ({ ...d, deleted_at: at })))
      .onConflict((oc) =>
        oc.column('uri').doUpdateSet((eb) => ({ rev: eb.ref('excluded.rev'), deleted_at: at })),
      )
      .execute()
  }
}

export type InvalidRecord = Omit<Insertable<InvalidRecordTable>, 'seen_at'>

/** Invalid records are kept with the reason, for operators; the last one seen per uri. */
export async function recordInvalid(tx: Tx, invalid: InvalidRecord[], at: Date): Promise<void> {
  for (const chunk of chunks(invalid, 500)) {
    await tx
      .insertInto('invalid_record')
      .values(chunk.map((i) => ({ ...i, seen_at: at })))
      .onConflict((oc) =>
        oc.column('uri').doUpdateSet((eb) => ({
          rev: eb.ref('excluded.rev'),
          cid: eb.ref('excluded.cid'),
          reason: eb.ref('excluded.reason'),
          seen_at: at,
        })),
      )
      .execute()
  }
}
