/** The OID of Postgres's `text` type, the element type of the arrays below. */
const TEXT_OID = 25

/**
 * A `text[]` query parameter in Postgres's binary array format (what `array_send` writes
 * and `array_recv` reads), for a `$n::text[]` placeholder; node-postgres and PGlite send a
 * Buffer parameter as binary.
 *
 * The text form node-postgres would build instead quotes and backslash-escapes every
 * element, which for a batch's record JSON (quotes throughout) costs the indexer two
 * regex passes over every byte, a megabyte-sized string left to the old generation, and
 * Postgres a character-by-character parse. Here each element is its UTF-8 bytes behind
 * their length: the same values reach Postgres, unescaped.
 */
export function textArray(values: readonly (string | null)[]): Buffer {
  // header: dimensions, has-nulls flag, element type; then the one dimension's length
  // and lower bound; then per element its byte length (-1 for null) and bytes
  let size = 20
  let hasNull = 0
  for (const v of values) {
    if (v === null) hasNull = 1
    else size += Buffer.byteLength(v)
    size += 4
  }
  const buf = Buffer.allocUnsafe(size)
  let at = buf.writeInt32BE(1, 0)
  at = buf.writeInt32BE(hasNull, at)
  at = buf.writeInt32BE(TEXT_OID, at)
  at = buf.writeInt32BE(values.length, at)
  at = buf.writeInt32BE(1, at)
  for (const v of values) {
    if (v === null) {
      at = buf.writeInt32BE(-1, at)
      continue
    }
    const length = buf.write(v, at + 4)
    buf.writeInt32BE(length, at)
    at += 4 + length
  }
  return buf
}
