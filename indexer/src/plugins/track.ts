import { normalizeTag } from '@plyr/core'
import { anyOf, type ColumnName, insertRows, setExcluded, type Tx } from '@plyr/db'
import type { PlyrNamespace, PlyrRecord } from '@plyr/lexicons'
import { sql } from 'kysely'
import { blobCid } from './blob.js'
import { type PluginConfig, type RecordPlugin, storedUris } from './plugin.js'
import { mediaUrl } from './urls.js'

/** What a track's record says, column by column; an edit replaces them all. */
const RECORD_COLUMNS = [
  'cid',
  'title',
  'artist',
  'album',
  'duration',
  'description',
  'file_type',
  'audio_url',
  'audio_url_trusted',
  'image_url',
  'image_url_trusted',
  'audio_blob_cid',
  'created_at',
] as const satisfies ColumnName<'track'>[]

export function trackPlugin(
  ns: PlyrNamespace,
  cfg: PluginConfig,
): RecordPlugin<PlyrRecord<'track'>> {
  return {
    collection: ns.collection('track'),
    validate: (record) => ns.validateRecord('track', record),

    async upsert(tx, records) {
      const rows = records.map(({ uri, did, cid, record: r, indexedAt }) => {
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
      await insertRows(
        tx,
        'track',
        ['uri', 'did', ...RECORD_COLUMNS, 'indexed_at', 'sort_at'],
        rows,
        // an edit keeps the track's first indexed time: it does not jump up the feed; the
        // like, comment and play counts are not the record's, so an edit leaves them too
        sql`(uri) do update set ${setExcluded(RECORD_COLUMNS)}, sort_at = least(excluded.created_at, track.indexed_at)`,
      )
      await deleteTags(tx, storedUris(records))
      const tags = records.flatMap(({ uri, record }) =>
        [...new Set((record.tags ?? []).map(normalizeTag))]
          .filter((tag) => tag.length > 0)
          .map((tag) => ({ track_uri: uri, tag })),
      )
      await insertRows(tx, 'track_tag', ['track_uri', 'tag'], tags)
      // a new track counts the likes and comments that arrived before it; an edit keeps
      // its counts
      const created = records.filter((r) => !r.stored).map((r) => r.uri)
      return { like_count: created, comment_count: created }
    },

    async delete(tx, uris) {
      await deleteTags(tx, uris)
      await tx.deleteFrom('track').where('uri', '=', anyOf(uris)).execute()
      return {}
    },
  }
}

async function deleteTags(tx: Tx, uris: string[]) {
  if (uris.length === 0) return
  await tx.deleteFrom('track_tag').where('track_uri', '=', anyOf(uris)).execute()
}
