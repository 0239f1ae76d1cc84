import type { BlobRef } from '@atproto/lex'
import type { PlyrNamespace } from '@plyr/lexicons'
import { sql } from 'kysely'
import { chunks } from './chunks.js'
import type { PluginConfig, RecordPlugin } from './plugin.js'
import { mediaUrl } from './urls.js'

type TrackRecord = {
  title: string
  artist: string
  fileType: string
  createdAt: string
  album?: string
  duration?: number
  description?: string
  audioUrl?: string
  imageUrl?: string
  audioBlob?: BlobRef
  tags?: string[]
}

export function trackPlugin(ns: PlyrNamespace, cfg: PluginConfig): RecordPlugin {
  return {
    collection: ns.collection('track'),
    validate: (record) => ns.validateRecord('track', record),

    async upsert(tx, records) {
      const rows = records.map(({ uri, did, cid, record, indexedAt }) => {
        // the processor validated the record against the track lexicon
        const r = record as unknown as TrackRecord
        const createdAt = new Date(r.createdAt)
        const audio = mediaUrl(r.audioUrl, cfg.trustedMediaOrigins)
        const image = mediaUrl(r.imageUrl, cfg.trustedMediaOrigins)
        return {
          uri,
          did,
          cid,
          title: r.title,
          artist: r.artist,
          album: r.album ?? null,
          duration: r.duration ?? null,
          description: r.description ?? null,
          file_type: r.fileType,
          audio_url: audio.url,
          audio_url_trusted: audio.trusted,
          image_url: image.url,
          image_url_trusted: image.trusted,
          audio_blob_cid: r.audioBlob ? blobCid(r.audioBlob) : null,
          created_at: createdAt,
          indexed_at: indexedAt,
          sort_at: createdAt < indexedAt ? createdAt : indexedAt,
        }
      })
      for (const chunk of chunks(rows, 500)) {
        await tx
          .insertInto('track')
          .values(chunk)
          .onConflict((oc) =>
            oc.column('uri').doUpdateSet((eb) => ({
              cid: eb.ref('excluded.cid'),
              title: eb.ref('excluded.title'),
              artist: eb.ref('excluded.artist'),
              album: eb.ref('excluded.album'),
              duration: eb.ref('excluded.duration'),
              description: eb.ref('excluded.description'),
              file_type: eb.ref('excluded.file_type'),
              audio_url: eb.ref('excluded.audio_url'),
              audio_url_trusted: eb.ref('excluded.audio_url_trusted'),
              image_url: eb.ref('excluded.image_url'),
              image_url_trusted: eb.ref('excluded.image_url_trusted'),
              audio_blob_cid: eb.ref('excluded.audio_blob_cid'),
              created_at: eb.ref('excluded.created_at'),
              // an edit keeps the track's first indexed time: it does not jump up the feed
              sort_at: sql`least(excluded.created_at, track.indexed_at)`,
            })),
          )
          .execute()
      }
      const uris = rows.map((r) => r.uri)
      await deleteTags(tx, uris)
      const tags = records.flatMap(({ uri, record }) =>
        [...new Set(((record as unknown as TrackRecord).tags ?? []).map(normalizeTag))]
          .filter((tag) => tag.length > 0)
          .map((tag) => ({ track_uri: uri, tag })),
      )
      for (const chunk of chunks(tags)) await tx.insertInto('track_tag').values(chunk).execute()
      // a new track counts the likes and comments that arrived before it
      return uris
    },

    async delete(tx, uris) {
      await deleteTags(tx, uris)
      await tx.deleteFrom('track').where('uri', 'in', uris).execute()
      return []
    },
  }
}

async function deleteTags(tx: Parameters<RecordPlugin['delete']>[0], uris: string[]) {
  for (const chunk of chunks(uris)) {
    await tx.deleteFrom('track_tag').where('track_uri', 'in', chunk).execute()
  }
}

/** Tags are matched case-insensitively and without surrounding space. */
export function normalizeTag(tag: string): string {
  return tag.trim().toLowerCase()
}

/** A blob's CID, from the current `{ref}` form or the legacy `{cid}` one. */
function blobCid(blob: BlobRef): string {
  return 'ref' in blob ? blob.ref.toString() : blob.cid
}
