import {
  columnList,
  columnsOf,
  type InvalidRecordTable,
  selectRows,
  setExcluded,
  type Tx,
} from '@plyr/db'
import { type Insertable, sql } from 'kysely'

/** A version of a record: a write (with its cid and JSON text), or a delete (without). */
export type RecordVersion = {
  uri: string
  did: string
  collection: string
  rkey: string
  rev: string
  /** When it counts as indexed (see the processor's indexedTime). */
  at: Date
  write?: { cid: string; json: string }
}

const RECORD_COLUMNS = columnsOf('record', [
  'uri',
  'did',
  'collection',
  'rkey',
  'cid',
  'rev',
  'json',
  'indexed_at',
  'deleted_at',
])

/**
 * Stores each version where it is newer than the record's stored one (live or deleted):
 * a delete leaves the row as a tombstone, so that no older write can bring the record
 * back. One statement, with no read before it: the rev comparison is the upsert's guard.
 * Returns the uris of the versions stored, each with whether the record had a row before
 * (rows made from an earlier version may be there to replace).
 */
export async function putVersions(
  tx: Tx,
  versions: RecordVersion[],
): Promise<Map<string, { replaced: boolean }>> {
  const stored = new Map<string, { replaced: boolean }>()
  if (versions.length === 0) return stored
  const rows = versions.map(({ at, write, ...v }) => ({
    ...v,
    cid: write?.cid ?? null,
    json: write?.json ?? null,
    indexed_at: at,
    deleted_at: write ? null : at,
  }))
  // an inserted row has no xmax; a row the upsert updated carries the lock it took
  const { rows: written } = await sql<{ uri: string; inserted: boolean }>`
    insert into record (${columnList(RECORD_COLUMNS)}) ${selectRows(RECORD_COLUMNS, rows)}
    on conflict (uri) do update set ${setExcluded(['cid', 'rev', 'json', 'deleted_at'])}
    where record.rev < excluded.rev
    returning uri, xmax = 0 as inserted
  `.execute(tx)
  for (const { uri, inserted } of written) stored.set(uri, { replaced: !inserted })
  return stored
}

export type InvalidRecord = Omit<Insertable<InvalidRecordTable>, 'seen_at'>

const INVALID_COLUMNS = columnsOf('invalid_record', [
  'uri',
  'did',
  'collection',
  'rev',
  'cid',
  'reason',
  'seen_at',
])

/**
 * Keeps invalid records with the reason, for operators: the last one seen per uri, unless
 * the index holds a version as new (a replay or an older version of it changes nothing).
 * Returns the uris kept.
 */
export async function recordInvalid(
  tx: Tx,
  invalid: InvalidRecord[],
  at: Date,
): Promise<Set<string>> {
  if (invalid.length === 0) return new Set()
  const rows = invalid.map((i) => ({ ...i, seen_at: at }))
  const { rows: kept } = await sql<{ uri: string }>`
    insert into invalid_record (${columnList(INVALID_COLUMNS)})
    select * from (${selectRows(INVALID_COLUMNS, rows)}) u
    where not exists (select from record r where r.uri = u.uri and r.rev >= u.rev)
    on conflict (uri) do update set ${setExcluded(['rev', 'cid', 'reason', 'seen_at'])}
    returning uri
  `.execute(tx)
  return new Set(kept.map((k) => k.uri))
}
