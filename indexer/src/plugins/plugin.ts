import type { LexMap } from '@atproto/lex'
import type { Transaction } from 'kysely'
import type { IndexSchema } from '@plyr/db'
import type { RecordName } from '@plyr/lexicons'

export type Tx = Transaction<IndexSchema>

/** What a plugin gets for a record that passed its lexicon. */
export type IndexedRecord = {
  uri: string
  did: string
  rkey: string
  cid: string
  record: LexMap
  indexedAt: Date
}

/**
 * One plugin per collection: how a valid record becomes rows, and how they go away.
 * The generic processor owns ordering, replays and the raw record table.
 */
export interface RecordPlugin {
  name: RecordName
  upsert(tx: Tx, rec: IndexedRecord): Promise<void>
  delete(tx: Tx, uri: string): Promise<void>
}
