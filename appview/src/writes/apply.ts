import type { LexMap } from '@atproto/lex'

/**
 * A write the account's PDS accepted, as the index takes it: the commit's rev orders it
 * against every other version of the record (the Jetstream echo included). The shape of
 * the indexer's commit event, restated here because the AppView does not import the
 * indexer outside service.ts (which type-checks one against the other).
 */
export type RecordWrite = {
  op: 'create' | 'update' | 'delete'
  did: string
  collection: string
  rkey: string
  uri: string
  rev: string
  cid?: string
  /** The record in its data-model form; absent on deletes. */
  record?: LexMap
  /** The record's JSON, as sent to the PDS. */
  recordJson?: object
}

/**
 * Applies accepted writes to the index at once, through the indexer's own processor (same
 * validation, same rev guard): the composition root (service.ts) provides it.
 */
export type ApplyWrites = (writes: RecordWrite[]) => Promise<void>
