import { pipeline } from 'node:stream/promises'
import { type ByteRange, contentDisposition, type MediaStorage } from '@plyr/media'
import type { Request, Response } from 'express'

export type StoredObject = {
  sha256: string
  size: number
  contentType: string
  /** when this version was stored: Last-Modified */
  modified: Date
  /** a download's file name (Content-Disposition: attachment), else played inline */
  filename?: string
}

/** `Range: bytes=…` against `size`: one range, 'invalid' (ignored) or 'unsatisfiable'. */
export function parseRange(
  header: string | undefined,
  size: number,
): ByteRange | 'none' | 'unsatisfiable' {
  if (!header) return 'none'
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim())
  // several ranges, or a malformed one: the whole object, as RFC 9110 allows
  if (!m || (m[1] === '' && m[2] === '')) return 'none'
  if (m[1] === '') {
    const suffix = Number(m[2])
    if (suffix === 0) return 'unsatisfiable'
    return { start: Math.max(0, size - suffix), end: size - 1 }
  }
  const start = Number(m[1])
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1)
  if (start >= size || end < start) return 'unsatisfiable'
  return { start, end }
}

/**
 * Serves a stored object with `Range` (206, 416), `ETag` (its SHA-256: the bytes never
 * change under a key), `Last-Modified`, `Accept-Ranges`, `Cache-Control` and conditional
 * requests (`If-None-Match`, `If-Modified-Since`, `If-Range`). A download gets a
 * `Content-Disposition` whose name is ASCII-safe, with the UTF-8 name beside it.
 */
export async function sendObject(
  req: Request,
  res: Response,
  storage: MediaStorage,
  object: StoredObject,
): Promise<void> {
  const etag = `"${object.sha256}"`
  const modified = new Date(Math.floor(object.modified.getTime() / 1000) * 1000)
  res.set({
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Last-Modified': modified.toUTCString(),
    'Cache-Control': 'public, max-age=31536000, immutable',
    'Content-Type': object.contentType,
    'X-Content-Type-Options': 'nosniff',
  })
  if (object.filename) res.set('Content-Disposition', contentDisposition(object.filename))
  const noneMatch = req.headers['if-none-match']
  const since = req.headers['if-modified-since']
  if (
    noneMatch !== undefined
      ? noneMatch.split(',').some((t) => t.trim() === etag || t.trim() === '*')
      : since !== undefined && Date.parse(since) >= modified.getTime()
  ) {
    res.status(304).end()
    return
  }
  const ifRange = req.headers['if-range']
  const rangeApplies = ifRange === undefined || ifRange === etag
  const range = parseRange(rangeApplies ? req.headers.range : undefined, object.size)
  if (range === 'unsatisfiable') {
    res.status(416).set('Content-Range', `bytes */${object.size}`).end()
    return
  }
  const span = range === 'none' ? { start: 0, end: object.size - 1 } : range
  if (range !== 'none') {
    res.status(206).set('Content-Range', `bytes ${span.start}-${span.end}/${object.size}`)
  }
  res.set('Content-Length', String(span.end - span.start + 1))
  if (req.method === 'HEAD') {
    res.end()
    return
  }
  const body = await storage.read(object.sha256, span)
  await pipeline(body, res).catch(() => {
    // the listener went away mid-file: nothing to answer
  })
}
