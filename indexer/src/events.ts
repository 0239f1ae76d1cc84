import type { LexMap } from '@atproto/lex'

/**
 * The events every source (firehose, later Jetstream) is turned into, so all of them go
 * through the same processing code.
 */
export type CommitEvent = {
  kind: 'commit'
  op: 'create' | 'update' | 'delete'
  did: string
  collection: string
  rkey: string
  uri: string
  /** The commit's revision (a TID): later commits sort after earlier ones. */
  rev: string
  /** Record CID; absent on deletes. */
  cid?: string
  /** The record in its data-model form (CIDs and blob refs as objects); absent on deletes. */
  record?: LexMap
}

/** The actor's identity may have changed: the indexer re-resolves it (a handle in an event is only a claim). */
export type IdentityEvent = { kind: 'identity'; did: string }

export type AccountEvent = {
  kind: 'account'
  did: string
  active: boolean
  status?: 'takendown' | 'suspended' | 'deleted' | 'deactivated'
}

export type IndexEvent = CommitEvent | IdentityEvent | AccountEvent
