import type { PlyrNamespace } from '@plyr/lexicons'
import { chunks } from './chunks.js'
import type { PluginConfig, RecordPlugin } from './plugin.js'
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
      for (const chunk of chunks(rows, 500)) {
        await tx
          .insertInto('artist_profile')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('did').doUpdateSet((eb) => ({
              bio: eb.ref('excluded.bio'),
              avatar_url: eb.ref('excluded.avatar_url'),
              avatar_url_trusted: eb.ref('excluded.avatar_url_trusted'),
              created_at: eb.ref('excluded.created_at'),
            })),
          )
          .execute()
      }
      return []
    },

    async delete(tx, uris) {
      const dids = uris.filter((u) => u.endsWith('/self')).map((u) => u.split('/')[2]!)
      if (dids.length > 0) await tx.deleteFrom('artist_profile').where('did', 'in', dids).execute()
      return []
    },
  }
}
