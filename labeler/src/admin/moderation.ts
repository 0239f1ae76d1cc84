import type { IndexSchema } from '@plyr/db'
import { type Kysely, sql } from 'kysely'
import { COPYRIGHT_LABEL } from '../scan/scanner.js'
import type { LabelInput } from '../store.js'

export const FALSE_POSITIVE_REASONS = {
  'fingerprint-noise': 'fingerprint noise',
  'original-artist': 'the uploader is the original artist',
  'fair-use': 'fair use',
  other: 'other',
} as const

export type FalsePositiveReason = keyof typeof FALSE_POSITIVE_REASONS

export class ModerationError extends Error {
  override name = 'ModerationError'
}

export type Labels = {
  label(inputs: LabelInput[]): Promise<unknown>
  negate(inputs: Omit<LabelInput, 'neg'>[]): Promise<unknown>
}

/**
 * The moderator's actions: each changes the flag or the labels and writes an audit entry
 * (who, when, what, why).
 */
export class Moderation {
  constructor(
    private readonly db: Kysely<IndexSchema>,
    private readonly labels: Labels,
  ) {}

  async confirm(flagId: number, moderator: string): Promise<void> {
    const flag = await this.resolve(flagId, moderator, 'confirmed', null)
    await this.audit(moderator, 'confirm flag', flag.uri, `flag ${flagId}`)
  }

  /** Clears a flag; the track's label is negated once no other flag on it stands. */
  async falsePositive(
    flagId: number,
    moderator: string,
    reason: FalsePositiveReason,
    note: string,
  ): Promise<void> {
    if (!(reason in FALSE_POSITIVE_REASONS)) throw new ModerationError('unknown reason')
    const why = note ? `${reason}: ${note}` : reason
    const flag = await this.resolve(flagId, moderator, 'false_positive', why)
    await this.audit(moderator, 'mark false positive', flag.uri, why)
    const standing = await this.db
      .selectFrom('labeler_flag')
      .select('id')
      .where('uri', '=', flag.uri)
      .where('cid', '=', flag.cid)
      .where('status', '<>', 'false_positive')
      .executeTakeFirst()
    if (!standing)
      await this.labels.negate([{ uri: flag.uri, cid: flag.cid, val: COPYRIGHT_LABEL }])
  }

  async takedown(did: string, moderator: string, reason: string): Promise<void> {
    await this.audit(moderator, 'take down account', did, reason || null)
    await this.labels.label([{ uri: did, val: '!takedown' }])
  }

  async restore(did: string, moderator: string, reason: string): Promise<void> {
    await this.audit(moderator, 'reverse takedown', did, reason || null)
    await this.labels.negate([{ uri: did, val: '!takedown' }])
  }

  private async resolve(
    id: number,
    moderator: string,
    status: 'confirmed' | 'false_positive',
    reason: string | null,
  ) {
    const flag = await this.db
      .updateTable('labeler_flag')
      .set({ status, reason, resolved_at: sql`now()`, resolved_by: moderator })
      .where('id', '=', id)
      .returning(['uri', 'cid'])
      .executeTakeFirst()
    if (!flag) throw new ModerationError(`no flag ${id}`)
    return flag
  }

  private async audit(actor: string, action: string, subject: string, reason: string | null) {
    await this.db.insertInto('labeler_audit').values({ actor, action, subject, reason }).execute()
  }
}
