import type { Readable } from 'node:stream'

/** A byte range, both ends included. */
export type ByteRange = { start: number; end: number }

/**
 * Where media objects live, addressed by their SHA-256 (hex): the key never contains
 * anything a user chose. Local disk (`LocalStorage`) or S3 (`S3Storage`).
 */
export interface MediaStorage {
  readonly kind: 'local' | 's3'
  /**
   * Stores the file at `path` under `key` (the file stays; the caller removes it). When
   * the key is there already, so are the same bytes.
   */
  put(key: string, path: string, contentType: string): Promise<void>
  /** The object as a local file, for ffmpeg: its path and what to call when done with it. */
  localFile(key: string, tempDir: string): Promise<LocalFile>
  /** The object's bytes, or a range of them. */
  read(key: string, range?: ByteRange): Promise<Readable>
  /** Whether the key is stored. */
  has(key: string): Promise<boolean>
  delete(key: string): Promise<void>
  /** Every stored key and when it was stored (for the orphan sweep). */
  list(): AsyncIterable<StoredKey>
  /**
   * Where a client may fetch the object directly (a presigned URL, or MEDIA_PUBLIC_URL),
   * or undefined when plyr must serve it itself.
   */
  directUrl(key: string, filename?: string): Promise<string | undefined>
}

export type StoredKey = { key: string; modified: Date }

export type LocalFile = { path: string; release(): Promise<void> }

/** A storage key: a SHA-256 in hex, never user input. */
export function checkKey(key: string): string {
  if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a storage key: ${key}`)
  return key
}

/** `attachment` with an ASCII fallback name and the exact UTF-8 name (RFC 6266). */
export function contentDisposition(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\/;%]/g, '_')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`
}
