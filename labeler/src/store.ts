import type { Keypair } from '@atproto/crypto'
import type { IndexSchema } from '@plyr/db'
import type { com } from '@plyr/lexicons'
import { type Kysely, type Selectable, sql } from 'kysely'
import { type SignedLabel, signLabel, type UnsignedLabel } from './sign.js'

export type LabelRow = Selectable<IndexSchema['labeler_label']>

/** A label to make: the labeler fills in `src` and `cts`. */
export type LabelInput = { uri: string; cid?: string; val: string; neg?: boolean; exp?: string }

/** The Postgres channel a commit of new labels is announced on. */
export const LABELS_CHANNEL = 'labeler_label'

/** Every transaction that numbers labels holds this lock, so seq grows in commit order. */
const SEQ_LOCK = 0x1abe1e

/** A stored label as the spec shapes it (what queryLabels and subscribeLabels send). */
export function labelOf(row: LabelRow): com.atproto.label.defs.Label {
  const label: SignedLabel = {
    ver: 1,
    src: row.src,
    uri: row.uri,
    val: row.val,
    cts: row.cts,
    sig: row.sig,
  }
  if (row.cid !== null) label.cid = row.cid
  if (row.neg) label.neg = true
  if (row.exp !== null) label.exp = row.exp
  // the columns hold what was signed: a DID, a URI, a CID, datetimes
  return label as com.atproto.label.defs.Label
}

/**
 * The labeler's log of signed labels (`labeler_label`, which only the labeler writes).
 * Labels are signed outside the transaction; inside it, the transaction-scoped advisory
 * lock makes numbering and commit happen one writer at a time across every process on the
 * database, so a reader that has seen seq n has seen every label numbered below n: a
 * subscriber that continues from its last seq can never skip one that commits late.
 */
export class LabelStore {
  constructor(
    private readonly db: Kysely<IndexSchema>,
    private readonly did: string,
    private readonly key: Keypair,
  ) {}

  /** Signs and stores labels (a negation is one with `neg: true`); returns them numbered. */
  async create(inputs: LabelInput[]): Promise<LabelRow[]> {
    if (inputs.length === 0) return []
    const cts = new Date().toISOString()
    const signed = await Promise.all(
      inputs.map((input) => {
        const label: UnsignedLabel = { src: this.did, uri: input.uri, val: input.val, cts }
        if (input.cid !== undefined) label.cid = input.cid
        if (input.neg === true) label.neg = true
        if (input.exp !== undefined) label.exp = input.exp
        return signLabel(this.key, label)
      }),
    )
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${SEQ_LOCK})`.execute(tx)
      // delivered when the transaction commits: wakes the subscribers of every process
      await sql`select pg_notify(${LABELS_CHANNEL}, '')`.execute(tx)
      // the labels these replace, and within the batch an earlier one for the same key
      const keys = signed.map((l) => sql`(${l.src}, ${l.uri}, ${l.val})`)
      await sql`update labeler_label set superseded = true
        where not superseded and (src, uri, val) in (${sql.join(keys)})`.execute(tx)
      const last = new Map(signed.map((l, i) => [`${l.uri}\n${l.val}`, i]))
      return tx
        .insertInto('labeler_label')
        .values(
          signed.map((l, i) => ({
            src: l.src,
            uri: l.uri,
            cid: l.cid ?? null,
            val: l.val,
            neg: l.neg === true,
            cts: l.cts,
            exp: l.exp ?? null,
            sig: l.sig,
            superseded: last.get(`${l.uri}\n${l.val}`) !== i,
          })),
        )
        .returningAll()
        .execute()
    })
  }

  /** Labels numbered after `seq`, oldest first, at most `limit`. */
  after(seq: number, limit: number): Promise<LabelRow[]> {
    return this.db
      .selectFrom('labeler_label')
      .selectAll()
      .where('seq', '>', seq)
      .orderBy('seq')
      .limit(limit)
      .execute()
  }

  /** The highest seq committed, 0 when there is none. */
  async head(): Promise<number> {
    const row = await this.db
      .selectFrom('labeler_label')
      .select((eb) => eb.fn.max('seq').as('seq'))
      .executeTakeFirst()
    return Number(row?.seq ?? 0)
  }

  /** Compaction has removed labels up to this seq: an older cursor is outdated. */
  async compactedThrough(): Promise<number> {
    const row = await this.db
      .selectFrom('labeler_state')
      .select('compacted_through')
      .executeTakeFirstOrThrow()
    return Number(row.compacted_through)
  }

  /**
   * Removes labels a newer one for the same (src, uri, val) replaced; a subscriber whose
   * cursor is older than the newest removed one gets `OutdatedCursor` and the labels in
   * force from there. Returns how many were removed.
   */
  async compact(): Promise<number> {
    return this.db.transaction().execute(async (tx) => {
      await sql`select pg_advisory_xact_lock(${SEQ_LOCK})`.execute(tx)
      const removed = await tx
        .deleteFrom('labeler_label')
        .where('superseded', '=', true)
        .returning('seq')
        .execute()
      if (removed.length === 0) return 0
      const through = removed.reduce((max, r) => Math.max(max, Number(r.seq)), 0)
      await tx
        .updateTable('labeler_state')
        .set((eb) => ({
          compacted_through: eb.fn('greatest', ['compacted_through', eb.val(through)]),
        }))
        .where('id', '=', 1)
        .execute()
      return removed.length
    })
  }
}
