import { encode } from '@atproto/lex-cbor'
import type { Keypair } from '@atproto/crypto'

/** What a label says, before it is signed (com.atproto.label.defs#label without `sig`). */
export type UnsignedLabel = {
  src: string
  uri: string
  cid?: string
  val: string
  neg?: boolean
  cts: string
  exp?: string
}

export type SignedLabel = UnsignedLabel & { ver: 1; sig: Uint8Array }

/**
 * The bytes a label's signature covers: `{ver: 1, src, uri, cid?, val, neg?, cts, exp?}`
 * as DAG-CBOR, without `sig` or `$type`, `neg` only when true and absent fields left out
 * (an explicit `neg: false` would change the bytes and break every verifier).
 */
export function labelBytes(label: UnsignedLabel): Uint8Array {
  const value: Record<string, string | number | boolean> = {
    ver: 1,
    src: label.src,
    uri: label.uri,
    val: label.val,
    cts: label.cts,
  }
  if (label.cid !== undefined) value.cid = label.cid
  if (label.neg === true) value.neg = true
  if (label.exp !== undefined) value.exp = label.exp
  return encode(value)
}

/**
 * Signs a label: `@atproto/crypto`'s secp256k1 key hashes the bytes with SHA-256 and
 * gives the 64-byte compact, low-S signature the spec asks for.
 */
export async function signLabel(key: Keypair, label: UnsignedLabel): Promise<SignedLabel> {
  const sig = await key.sign(labelBytes(label))
  const signed: SignedLabel = { ver: 1, ...label, sig }
  if (signed.neg !== true) delete signed.neg
  return signed
}
