import { AtUri, isValidDid, isValidRecordKey } from '@atproto/syntax'

/**
 * The URLs plyr hands out, all under PUBLIC_URL. A record is named in a path by its
 * repo's DID and its record key, each a percent-encoded path segment (`:` left as is):
 *
 * - `/audio/<did>/<rkey>`: a track's audio (served here: a redirect to where it is);
 * - `/track/<did>/<rkey>`, `/album/<did>/<rkey>`, `/playlist/<did>/<rkey>`,
 *   `/artist/<did>`: the pages of the web client, which oEmbed accepts;
 * - `/embed/<kind>/<did>/<rkey>`: the embeddable player those pages' oEmbed points at.
 */
export type RecordRef = { did: string; rkey: string }

/** The kinds of record page that have an embed. */
export const PAGE_KINDS = ['track', 'album', 'playlist'] as const
export type PageKind = (typeof PAGE_KINDS)[number]

export function audioUrl(base: string, ref: RecordRef): string {
  return `${base}/audio/${recordPath(ref)}`
}

export function pageUrl(base: string, kind: PageKind, ref: RecordRef): string {
  return `${base}/${kind}/${recordPath(ref)}`
}

/** A track's waveform peaks (JSON); the version makes the URL change when the audio does. */
export function peaksUrl(base: string, ref: RecordRef, version: number): string {
  return `${base}/peaks/${recordPath(ref)}?v=${version}`
}

/** Cover art plyr stores: its 600 px thumbnail (`size` 300 for the small one). */
export function imageUrl(base: string, imageId: string, size: 300 | 600 = 600): string {
  return `${base}/images/${imageId}/${size}.webp`
}

/** A track's original upload, as a download. */
export function originalUrl(base: string, ref: RecordRef): string {
  return `${base}/audio/${recordPath(ref)}?original=1`
}

export function embedUrl(base: string, kind: PageKind, ref: RecordRef): string {
  return `${base}/embed/${kind}/${recordPath(ref)}`
}

export function artistUrl(base: string, did: string): string {
  return `${base}/artist/${segment(did)}`
}

/** Where a blob of `did`'s repository is fetched from their PDS. */
export function pdsBlobUrl(pds: string, did: string, cid: string): string {
  const url = new URL('/xrpc/com.atproto.sync.getBlob', pds)
  url.searchParams.set('did', did)
  url.searchParams.set('cid', cid)
  return url.href
}

/** The DID and record key of an AT-URI of the index (well-formed by construction). */
export function refOf(uri: string): RecordRef {
  const parsed = new AtUri(uri)
  return { did: parsed.host, rkey: parsed.rkey }
}

/** The AT-URI of the record `ref` names in `collection`: refOf's inverse. */
export function uriOf(ref: RecordRef, collection: string): string {
  return `at://${ref.did}/${collection}/${ref.rkey}`
}

/**
 * `<did>/<rkey>` as it appears in a path (still percent-encoded), or undefined unless it
 * is exactly two segments holding a valid DID and record key.
 */
export function parseRecordPath(path: string): RecordRef | undefined {
  const parts = path.split('/')
  if (parts.length !== 2) return undefined
  const [did, rkey] = parts.map(decodeSegment)
  if (!isValidDid(did) || !isValidRecordKey(rkey)) return undefined
  return { did, rkey }
}

function recordPath(ref: RecordRef): string {
  return `${segment(ref.did)}/${segment(ref.rkey)}`
}

/** A path segment: percent-encoded, but `:` (common in DIDs, allowed in paths) kept. */
function segment(value: string): string {
  return encodeURIComponent(value).replaceAll('%3A', ':')
}

function decodeSegment(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}
