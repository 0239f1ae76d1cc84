import { type Insertable, sql } from 'kysely'
import type { InvalidRecordTable } from '@plyr/db'
import { anyOf, insertRows, setExcluded } from './bulk.js'
import type { Tx } from '../plugins/plugin.js'

export type StoredVersions = { records: Map<string, string>; tombstones: Map<string, string> }

/** The stored rev of each uri, and of each tombstone, in one round trip. */
export async function storedVersions(tx: Tx, uris: string[]): Promise<StoredVersions> {
  const revs = (table: 'record' | 'tombstone') =>
    tx
      .selectFrom(table)
      .select([sql.lit(table).as('source'), 'uri', 'rev'])
      .where('uri', '=', anyOf(uris))
  const rows = await revs('record').unionAll(revs('tombstone')).execute()
  const versions: StoredVersions = { records: new Map(), tombstones: new Map() }
  for (const { source, uri, rev } of rows) {
    const revsOf = source === 'record' ? versions.records : versions.tombstones
    revsOf.set(uri, rev)
  }
  return versions
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
  if (cleared.length > 0)
    await tx.deleteFrom('tombstone').where('uri', '=', anyOf(cleared)).execute()
}

export type Deletion = { uri: string; did: string; collection: string; rev: string }

/** Removes the raw records and leaves tombstones, so older creates cannot return. */
export async function tombstoneRecords(tx: Tx, deletions: Deletion[], at: Date): Promise<void> {
  await tx
    .deleteFrom('record')
    .where('uri', '=', anyOf(deletions.map((d) => d.uri)))
    .execute()
  await insertRows(
    tx,
    'tombstone',
    { uri: 'text', did: 'text', collection: 'text', rev: 'text', deleted_at: 'timestamptz' },
    deletions.map((d) => ({ ...d, deleted_at: at })),
    sql`(uri) do update set ${setExcluded(['rev', 'deleted_at'])}`,
  )
}

export type InvalidRecord = Omit<Insertable<InvalidRecordTable>, 'seen_at'>

/** Invalid records are kept with the reason, for operators; the last one seen per uri. */
export async function recordInvalid(tx: Tx, invalid: InvalidRecord[], at: Date): Promise<void> {
  await insertRows(
    tx,
    'invalid_record',
    {
      uri: 'text',
      did: 'text',
      collection: 'text',
      rev: 'text',
      cid: 'text',
      reason: 'text',
      seen_at: 'timestamptz',
    },
    invalid.map((i) => ({ ...i, seen_at: at })),
    sql`(uri) do update set ${setExcluded(['rev', 'cid', 'reason', 'seen_at'])}`,
  )
}
