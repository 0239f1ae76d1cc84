import { validateCidString } from '@atproto/lex'

/**
 * The form of nearly every CID on the network: a CIDv1 of dag-cbor (0x71) data with a
 * sha2-256 (0x12) digest of 32 (0x20) bytes, in lowercase base32 behind the `b` prefix.
 * Its 36 bytes are 58 base32 characters: `afyrei` and the top two bits of the next one
 * (so a-h) hold the four header bytes; the last one holds 3 digest bits and 2 zero bits
 * (so a multiple of 4: a, e, i, m, q, u, y or 4). Every such string decodes to exactly
 * such a CID and is its canonical form.
 */
const DAG_CBOR_SHA256 = /^bafyrei[a-h][a-z2-7]{50}[aeimquy4]$/

/**
 * Whether `input` is a CID in its canonical string form, as `validateCidString` says,
 * which decodes the CID (a few microseconds, most of a Jetstream message's checks);
 * the common form is recognised by its syntax alone.
 */
export function isCidString(input: string): boolean {
  return DAG_CBOR_SHA256.test(input) || validateCidString(input)
}
