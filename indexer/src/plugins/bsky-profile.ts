import type { BlobRef } from '@atproto/lex'
import { app } from '@plyr/lexicons'
import { anyOf } from '../store/bulk.js'
import { blobCid } from './blob.js'
import { type RecordPlugin, selfProfileDids } from './plugin.js'

type BskyProfile = { displayName?: string; avatar?: BlobRef }

export const BSKY_PROFILE = 'app.bsky.actor.profile'

/**
 * app.bsky.actor.profile, kept only for actors with plyr records: their display name
 * and avatar, shown next to their tracks.
 */
export function bskyProfilePlugin(): RecordPlugin {
  return {
    collection: BSKY_PROFILE,
    onlyForKnownActors: true,
    validate(record) {
      const result = app.bsky.actor.profile.main.safeValidate(record)
      return result.success ? { ok: true } : { ok: false, reason: result.reason.message }
    },

    async upsert(tx, records) {
      for (const { did, rkey, record } of records) {
        if (rkey !== 'self') continue
        const r = record as unknown as BskyProfile
        await tx
          .updateTable('actor')
          .set({
            display_name: r.displayName || null,
            avatar_cid: r.avatar ? blobCid(r.avatar) : null,
          })
          .where('did', '=', did)
          .execute()
      }
      return {}
    },

    async delete(tx, uris) {
      await tx
        .updateTable('actor')
        .set({ display_name: null, avatar_cid: null })
        .where('did', '=', anyOf(selfProfileDids(uris)))
        .execute()
      return {}
    },
  }
}
