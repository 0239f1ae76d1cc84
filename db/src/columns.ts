import type { IndexSchema } from './schema.js'

/** The type a column's values go to Postgres as, in bulk writes (see bulk.ts). */
export type ColumnType = 'text' | 'int' | 'bool' | 'timestamptz' | 'json'

/** A table's column names. */
export type ColumnName<T extends keyof IndexSchema> = keyof IndexSchema[T] & string

/** Some columns of a table, each with its type. */
export type Columns<T extends keyof IndexSchema> = Partial<Record<ColumnName<T>, ColumnType>>

/**
 * Every column of every table the bulk writer writes, with its type: the one list that
 * must change with a table (a missing column fails to compile).
 */
export const COLUMN_TYPES: { [T in keyof IndexSchema]?: Record<ColumnName<T>, ColumnType> } = {
  actor: {
    did: 'text',
    handle: 'text',
    display_name: 'text',
    avatar_cid: 'text',
    pds: 'text',
    status: 'text',
    indexed_at: 'timestamptz',
    identity_due_at: 'timestamptz',
    identity_attempts: 'int',
  },
  backfill_repo: {
    did: 'text',
    queued_at: 'timestamptz',
    due_at: 'timestamptz',
    attempts: 'int',
    last_error: 'text',
    done_at: 'timestamptz',
    records: 'int',
  },
  artist_profile: {
    did: 'text',
    bio: 'text',
    avatar_url: 'text',
    avatar_url_trusted: 'bool',
    created_at: 'timestamptz',
    indexed_at: 'timestamptz',
  },
  record: {
    uri: 'text',
    did: 'text',
    collection: 'text',
    rkey: 'text',
    cid: 'text',
    rev: 'text',
    json: 'json',
    indexed_at: 'timestamptz',
    deleted_at: 'timestamptz',
  },
  invalid_record: {
    uri: 'text',
    did: 'text',
    collection: 'text',
    rev: 'text',
    cid: 'text',
    reason: 'text',
    seen_at: 'timestamptz',
  },
  track: {
    uri: 'text',
    did: 'text',
    cid: 'text',
    title: 'text',
    artist: 'text',
    album: 'text',
    duration: 'int',
    description: 'text',
    file_type: 'text',
    audio_url: 'text',
    audio_url_trusted: 'bool',
    image_url: 'text',
    image_url_trusted: 'bool',
    audio_blob_cid: 'text',
    created_at: 'timestamptz',
    indexed_at: 'timestamptz',
    sort_at: 'timestamptz',
  },
  track_recount: { uri: 'text', count: 'text', hash: 'int' },
  track_tag: { track_uri: 'text', tag: 'text' },
  like: {
    uri: 'text',
    did: 'text',
    subject_uri: 'text',
    subject_cid: 'text',
    created_at: 'timestamptz',
    indexed_at: 'timestamptz',
  },
  comment: {
    uri: 'text',
    did: 'text',
    subject_uri: 'text',
    subject_cid: 'text',
    text: 'text',
    timestamp_ms: 'int',
    created_at: 'timestamptz',
    indexed_at: 'timestamptz',
  },
  list: {
    uri: 'text',
    did: 'text',
    cid: 'text',
    name: 'text',
    list_type: 'text',
    created_at: 'timestamptz',
    indexed_at: 'timestamptz',
  },
  list_item: { list_uri: 'text', position: 'int', subject_uri: 'text', subject_cid: 'text' },
}

/** The types of `names`, columns of `table`. */
export function columnsOf<T extends keyof IndexSchema>(
  table: T,
  names: readonly ColumnName<T>[],
): Columns<T> {
  const types = COLUMN_TYPES[table]
  if (!types) throw new Error(`no column types for table ${table}`)
  return Object.fromEntries(names.map((n) => [n, types[n]])) as Columns<T>
}
