import type { ColumnType, Insertable, Selectable } from 'kysely'

/** Timestamps are written as ISO strings or Dates and always read as Dates. */
type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json = ColumnType<unknown, string, string>

export type AccountStatus = 'active' | 'deactivated' | 'suspended' | 'takendown' | 'deleted'

export interface ActorTable {
  did: string
  handle: string | null
  display_name: string | null
  avatar: string | null
  status: AccountStatus
  indexed_at: Timestamp
}

/** Every indexed record as it was written: the source of truth for rev ordering. */
export interface RecordTable {
  uri: string
  did: string
  collection: string
  rkey: string
  cid: string
  rev: string
  json: Json
  indexed_at: Timestamp
}

export interface TrackTable {
  uri: string
  did: string
  cid: string
  title: string
  artist: string
  album: string | null
  duration: number | null
  description: string | null
  file_type: string
  audio_url: string | null
  image_url: string | null
  audio_blob_cid: string | null
  created_at: Timestamp
  indexed_at: Timestamp
  /** The earlier of created_at and indexed_at: a future createdAt cannot top the feed. */
  sort_at: Timestamp
}

export interface LikeTable {
  uri: string
  did: string
  subject_uri: string
  subject_cid: string
  created_at: Timestamp
  indexed_at: Timestamp
}

export interface CommentTable {
  uri: string
  did: string
  subject_uri: string
  subject_cid: string
  text: string
  timestamp_ms: number
  created_at: Timestamp
  indexed_at: Timestamp
}

export interface ListTable {
  uri: string
  did: string
  cid: string
  name: string | null
  list_type: string | null
  created_at: Timestamp
  indexed_at: Timestamp
}

export interface ListItemTable {
  list_uri: string
  position: number
  subject_uri: string
  subject_cid: string
}

/** The processed position of an event source, saved with the rows it covers. */
export interface CursorTable {
  source: string
  cursor: number
  updated_at: Timestamp
}

export interface IndexSchema {
  actor: ActorTable
  record: RecordTable
  track: TrackTable
  like: LikeTable
  comment: CommentTable
  list: ListTable
  list_item: ListItemTable
  cursor: CursorTable
}

export type ActorRow = Selectable<ActorTable>
export type TrackRow = Selectable<TrackTable>
export type NewTrack = Insertable<TrackTable>
