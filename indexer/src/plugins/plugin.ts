import type { LexMap } from '@atproto/lex'
import type { CountChanges, Tx } from '@plyr/db'

/**
 * A record that passed its lexicon, ready to become rows; `R` is its generated type
 * (`PlyrRecord<'track'>`), which the lexicon check vouches for.
 */
export type IndexedRecord<R = unknown> = {
  uri: string
  did: string
  rkey: string
  cid: string
  record: R
  indexedAt: Date
  /**
   * The index had a version of the record before (or its tombstone): rows made from it may
   * be there to replace.
   */
  stored: boolean
}

export type Validation = { ok: true } | { ok: false; reason: string }

/**
 * One plugin per collection: how valid records become rows, and how they go away, in
 * batches. The generic processor owns ordering, replays, tombstones and the raw record
 * table. Both methods return the tracks whose counts may have changed.
 */
export interface RecordPlugin<R = unknown> {
  collection: string
  /** Records of this collection are kept only for actors with plyr records. */
  onlyForKnownActors?: boolean
  validate(record: LexMap): Validation
  upsert(tx: Tx, records: IndexedRecord<R>[]): Promise<CountChanges>
  delete(tx: Tx, uris: string[]): Promise<CountChanges>
}

/** What plugins need from the configuration. */
export type PluginConfig = {
  /** Origins (scheme://host[:port]) whose media URLs in records are trusted. */
  trustedMediaOrigins: ReadonlySet<string>
}

/**
 * The uris of the records with an earlier version in the index: only they can have rows
 * to replace (a record seen for the first time has none, so nothing is deleted for it).
 */
export function storedUris(records: IndexedRecord[]): string[] {
  return records.filter((r) => r.stored).map((r) => r.uri)
}

/** The DIDs whose profile record (rkey `self`) these uris delete. */
export function selfProfileDids(uris: string[]): string[] {
  return uris.filter((u) => u.endsWith('/self')).map((u) => u.split('/')[2]!)
}
