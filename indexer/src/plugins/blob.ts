import type { BlobRef } from '@atproto/lex'

/** A blob's CID, from the current `{ref}` form or the legacy `{cid}` one. */
export function blobCid(blob: BlobRef): string {
  return 'ref' in blob ? blob.ref.toString() : blob.cid
}
