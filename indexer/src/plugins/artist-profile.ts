import type { PlyrNamespace } from '@plyr/lexicons'
import { sql } from 'kysely'
import { anyOf, insertRows, setExcluded } from '../store/bulk.js'
import { type PluginConfig, type RecordPlugin, selfProfileDids } from './plugin.js'
import { mediaUrl } from './urls.js'

type ProfileRecord = { bio?: string; avatar?: string; createdAt: string }

/** fm.plyr.actor.profile (rkey `self`): an artist's bio and avatar link. */
export function artistProfilePlugin(ns: PlyrNamespace, cfg: PluginConfig): RecordPlugin {
  return {
    collection: ns.collection('actor.profile'),
    validate: (record) => ns.validateRecord('actor.profile', record),

    async upsert(tx, records) {
      const rows = records
        .filter((r) => r.rkey === 'self')
        .map(({ did, record, indexedAt }) => {
          const r = record as unknown as ProfileRecord
          const avatar = mediaUrl(r.avatar, cfg.trustedMediaOrigins)
          return {
            did,
            bio: r.bio ?? null,
            avatar_url: avatar.url,
            avatar_url_trusted: avatar.trusted,
            created_at: new Date(r.createdAt),
            indexed_at: indexedAt,
          }
        })
      await insertRows(
        tx,
        'artist_profile',
        {
          did: 'text',
          bio: 'text',
          avatar_url: 'text',
          avatar_url_trusted: 'bool',
          created_at: 'timestamptz',
          indexed_at: 'timestamptz',
        },
        rows,
        sql`(did) do update set ${setExcluded(['bio', 'avatar_url', 'avatar_url_trusted', 'created_at'])}`,
      )
      return {}
    },

    async delete(tx, uris) {
      await tx
        .deleteFrom('artist_profile')
        .where('did', '=', anyOf(selfProfileDids(uris)))
        .execute()
      return {}
    },
  }
}
