import { anyOf, insertRows, setExcluded } from '@plyr/db'
import type { PlyrNamespace, PlyrRecord } from '@plyr/lexicons'
import { sql } from 'kysely'
import { type PluginConfig, type RecordPlugin, selfProfileDids } from './plugin.js'
import { mediaUrl } from './urls.js'

/** fm.plyr.actor.profile (rkey `self`): an artist's bio and avatar link. */
export function artistProfilePlugin(
  ns: PlyrNamespace,
  cfg: PluginConfig,
): RecordPlugin<PlyrRecord<'actor.profile'>> {
  return {
    collection: ns.collection('actor.profile'),
    validate: (record) => ns.validateRecord('actor.profile', record),

    async upsert(tx, records) {
      const rows = records
        .filter((r) => r.rkey === 'self')
        .map(({ did, record: r, indexedAt }) => {
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
        ['did', 'bio', 'avatar_url', 'avatar_url_trusted', 'created_at', 'indexed_at'],
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
