import type { BlobRef } from '@atproto/lex'
import { sql } from 'kysely'
import type { RecordPlugin } from './plugin.js'

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
}

export const trackPlugin: RecordPlugin = {
  name: 'track',
  async upsert(tx, { uri, did, cid, record, indexedAt }) {
    // the processor validated the record against the track lexicon
    const r = record as unknown as TrackRecord
    const createdAt = new Date(r.createdAt)
    const row = {
      uri,
      did,
      cid,
      title: r.title,
      artist: r.artist,
      album: r.album ?? null,
      duration: r.duration ?? null,
      description: r.description ?? null,
      file_type: r.fileType,
      audio_url: r.audioUrl ?? null,
      image_url: r.imageUrl ?? null,
      audio_blob_cid: r.audioBlob ? blobCid(r.audioBlob) : null,
      created_at: createdAt,
      indexed_at: indexedAt,
      sort_at: createdAt < indexedAt ? createdAt : indexedAt,
    }
    const { uri: _key, indexed_at: _first, sort_at: _sort, ...changes } = row
    await tx
      .insertInto('track')
      .values(row)
      .onConflict((oc) =>
        oc.column('uri').doUpdateSet({
          ...changes,
          // an edit keeps the track's first indexed time: it does not jump up the feed
          sort_at: sql`least(excluded.created_at, track.indexed_at)`,
        }),
      )
      .execute()
  },
  async delete(tx, uri) {
    await tx.deleteFrom('track').where('uri', '=', uri).execute()
  },
}

/** A blob's CID, from the current `{ref}` form or the legacy `{cid}` one. */
function blobCid(blob: BlobRef): string {
  return 'ref' in blob ? blob.ref.toString() : blob.cid
}
