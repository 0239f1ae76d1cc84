import { anyOf } from '@plyr/db'
import { app } from '@plyr/lexicons'
import { blobCid } from './blob.js'
import { type RecordPlugin, selfProfileDids } from './plugin.js'

export const BSKY_PROFILE = 'app.bsky.actor.profile'

/**
 * app.bsky.actor.profile, kept only for actors with plyr records: their display name
 * and avatar, shown next to their tracks.
 */
export function bskyProfilePlugin(): RecordPlugin<app.bsky.actor.profile.Main> {
  return {
    collection: BSKY_PROFILE,
    onlyForKnownActors: true,
    validate(record) {
      const result = app.bsky.actor.profile.main.safeValidate(record)
      return result.success ? { ok: true } : { ok: false, reason: result.reason.message }
    },

    async upsert(tx, records) {
      for (const { did, rkey, record: r } of records) {
        if (rkey !== 'self') continue
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
