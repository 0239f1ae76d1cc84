import { jsonToLex, type LexMap } from '@atproto/lex'
import { isValidDid, isValidNsid, isValidRecordKey, isValidTid } from '@atproto/syntax'
import { isCidString } from './cid-string.js'

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
  /**
   * When the relay stamped the event (ms since the epoch: Jetstream's `time_us`, the
   * firehose commit's `time`); absent for records fetched by backfill.
   */
  time?: number
  /** Record CID; absent on deletes. */
  cid?: string
  /** The record in its data-model form (CIDs and blob refs as objects); absent on deletes. */
  record?: LexMap
  /**
   * The record as the source's JSON carried it (Jetstream, listRecords), kept as it was
   * written for the raw record table instead of encoding `record` back into JSON.
   */
  recordJson?: object
  /** Set by `Processor.check`, which sources may call on receipt, ahead of the write. */
  checked?: CheckedRecord
}

/** A record checked against its lexicon, with its JSON for the raw record table. */
export type CheckedRecord = {
  problem: string | undefined
  json: string
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

/** What became of one event. `ignored`: a replay, an older version, or not ours. */
export type Outcome = 'applied' | 'ignored' | 'invalid'

/** A record from its JSON form (as Jetstream and listRecords carry it); undefined if it is not lexicon JSON. */
export function recordFromJson(json: object): LexMap | undefined {
  try {
    return jsonToLex(json as Parameters<typeof jsonToLex>[0]) as LexMap
  } catch {
    return undefined
  }
}

/**
 * Why a commit's identifiers, as an unverified source (Jetstream, a PDS's listRecords)
 * gives them, cannot be indexed; undefined when they are well-formed. Checked before an
 * event reaches the processor: a malformed one (a NUL character, a rev that is no TID and
 * would outrank every later version) is dropped on its own instead of failing its batch.
 */
export function commitProblem(c: {
  did: string
  collection: string
  rkey: string
  rev: string
  cid?: string
}): string | undefined {
  if (!isValidDid(c.did)) return 'invalid did'
  if (!isValidNsid(c.collection)) return 'invalid collection'
  if (!isValidRecordKey(c.rkey)) return 'invalid record key'
  if (!isValidTid(c.rev)) return 'invalid rev'
  if (c.cid !== undefined && !isCidString(c.cid)) return 'invalid cid'
  return undefined
}
