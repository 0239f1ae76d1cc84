import type { RecordJson } from './pds-write.js'

/**
 * `record` with the fields an edit gives: a value replaces the stored one, an empty string
 * or list removes the field, and a field not given is kept as stored (unknown fields, which
 * other clients may have written, included).
 */
export function withFields(record: RecordJson, fields: Record<string, unknown>): RecordJson {
  const next: RecordJson = { ...record }
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue
    if (value === '' || (Array.isArray(value) && value.length === 0)) delete next[name]
    else next[name] = value
  }
  return next
}
