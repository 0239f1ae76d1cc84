import type { ColumnType, Generated, Insertable, Selectable, Transaction } from 'kysely'

/** Timestamps are written as ISO strings or Dates and always read as Dates. */
type Timestamp = ColumnType<Date, Date | string, Date | string>
type Json = ColumnType<unknown, string, string>
/** A timestamp the database fills in (now()) unless one is given. */
type DefaultNow = ColumnType<Date, Date | string | undefined, Date | string>

export type AccountStatus = 'active' | 'deactivated' | 'suspended' | 'takendown' | 'deleted'

export interface ActorTable {
  did: string
  handle: string | null
  /** From the actor's Bluesky profile (app.bsky.actor.profile). */
  display_name: string | null
  /** The Bluesky profile's avatar blob, served from the actor's PDS. */
  avatar_cid: string | null
  /** The PDS endpoint (an http(s) origin) of the actor's DID document; null until resolved. */
  pds: ColumnType<string | null, string | null | undefined, string | null>
  status: AccountStatus
  indexed_at: Timestamp
  /**
   * When the actor's identity (handle, PDS, display name) is to be resolved next; null
   * when nothing is due. Written with the actor's first record and on identity events;
   * the indexer's identity resolver takes due actors in the background.
   */
  identity_due_at: Timestamp | null
  /** Failed lookups since the last success (the backoff grows with it). */
  identity_attempts: ColumnType<number, number | undefined, number>
}

/** A repo whose existing records are to be fetched from its PDS (the backfill queue). */
export interface BackfillRepoTable {
  did: string
  queued_at: Timestamp
  /** When it is next to be tried; null once done. */
  due_at: Timestamp | null
  attempts: ColumnType<number, number | undefined, number>
  last_error: string | null
  done_at: Timestamp | null
  /** How many records the backfill read. */
  records: number | null
}

/** The network-wide enumeration of repos holding a collection, on one relay. */
export interface BackfillListingTable {
  relay: string
  collection: string
  /** The relay's cursor for the next page; null before the first page and once complete. */
  cursor: string | null
  listed: ColumnType<number, number | undefined, number>
  started_at: Timestamp
  completed_at: Timestamp | null
}

/** fm.plyr.actor.profile: an artist's plyr profile. */
export interface ArtistProfileTable {
  did: string
  bio: string | null
  avatar_url: string | null
  avatar_url_trusted: boolean
  created_at: Timestamp
  indexed_at: Timestamp
}

/**
 * Per record uri, the newest version the index knows, as it was written: the source of
 * truth for rev ordering. A deleted record keeps its row as a tombstone (deleted_at set,
 * no cid or json), so that an older create arriving later cannot bring it back.
 */
export interface RecordTable {
  uri: string
  did: string
  collection: string
  rkey: string
  cid: string | null
  rev: string
  json: Json | null
  indexed_at: Timestamp
  deleted_at: Timestamp | null
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
  /** Whether audio_url's origin is in the configured allowlist (TRUSTED_MEDIA_ORIGINS). */
  audio_url_trusted: boolean
  image_url: string | null
  image_url_trusted: boolean
  audio_blob_cid: string | null
  created_at: Timestamp
  indexed_at: Timestamp
  /** The earlier of created_at and indexed_at: a future createdAt cannot top the feed. */
  sort_at: Timestamp
}

/**
 * A track's counts, recomputed from the like, comment and play rows whenever they change;
 * never incremented (see recountTracks). The indexer keeps the like and comment counts,
 * the AppView the play count (it owns `play`); a record update leaves all three alone. A
 * track without a row has none of them yet; the row goes with its track.
 */
/** A track's counts, each kept equal to its rows. */
export type TrackCount = 'like_count' | 'comment_count' | 'play_count'

/** The counts the indexer keeps (of the rows it writes); play_count is the AppView's. */
export type IndexedCount = Exclude<TrackCount, 'play_count'>

/** Per count, the tracks whose count may have changed, to be recounted. */
export type CountChanges = Partial<Record<IndexedCount, string[]>>

export interface TrackCountTable {
  uri: string
  like_count: ColumnType<number, number | undefined, number>
  comment_count: ColumnType<number, number | undefined, number>
  play_count: ColumnType<number, number | undefined, number>
}

/**
 * Tracks queued for a like or comment recount by the indexer's batch transactions, taken
 * (and deleted) by the batch's recount once they have all committed.
 */
export interface TrackRecountTable {
  uri: string
  count: IndexedCount
  /** A hash of the uri, which says which recounting transaction takes the row. */
  hash: number
}

export interface TrackTagTable {
  track_uri: string
  tag: string
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

/** A record that failed its lexicon, kept so an operator can see why it is missing. */
export interface InvalidRecordTable {
  uri: string
  did: string
  collection: string
  rev: string
  cid: string | null
  reason: string
  seen_at: Timestamp
}

/**
 * A counted play of a track (reported by a player: the AppView's `fm.plyr.feed.reportPlay`),
 * the AppView's own data, written by it alone. `listener_did` is the signed-in listener;
 * for an anonymous one, `listener_key` is a keyed hash under the day's salt (`play_salt`),
 * which leads back to nobody once that salt is gone. `playback_id` is the player's id of
 * the playback (one play each).
 */
export interface PlayTable {
  id: Generated<number>
  track_uri: string
  listener_did: string | null
  listener_key: string | null
  playback_id: string | null
  played_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** The salt of a day's anonymous listener keys, deleted when the day is past. */
export interface PlaySaltTable {
  day: ColumnType<string, string, never>
  salt: string
}

/** The processed position of an event source, saved with the rows it covers. */
export interface CursorTable {
  source: string
  cursor: number
  updated_at: Timestamp
}

/**
 * A moderation label (com.atproto.label.defs#label), the newest state per (src, uri, val):
 * a negation replaces the label it negates. `uri` is a record's AT-URI or an account's DID.
 */
export interface LabelTable {
  src: string
  uri: string
  cid: string | null
  val: string
  neg: ColumnType<boolean, boolean | undefined, boolean>
  cts: Timestamp
  exp: Timestamp | null
  sig: Uint8Array | null
}

/** A sign-in in progress: the OAuth client's state (sealed), until the callback or expiry. */
export interface OAuthStateTable {
  key: string
  sealed: string
  expires_at: Timestamp
}

/** One OAuth grant at an account's PDS: its tokens, DPoP key and auth method, sealed. */
export interface OAuthGrantTable {
  id: string
  did: string
  sealed: string
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** A browser's session cookie, by the cookie's SHA-256, and the account it acts as. */
export interface BrowserSessionTable {
  id_hash: string
  active_did: string | null
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  expires_at: Timestamp
}

/** An account signed in on a browser, with the grant it acts through. */
export interface BrowserAccountTable {
  session_hash: string
  did: string
  grant_id: string
  /** The handle and display name found at sign-in, for accounts the index does not know. */
  handle: string | null
  display_name: string | null
  added_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** A developer token: its first characters, its SHA-256, its own grant. */
export interface DeveloperTokenTable {
  prefix: string
  token_hash: string
  did: string
  name: string
  grant_id: string
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  expires_at: Timestamp | null
}

/** A lease on a named lock, shared by every process on the database. */
export interface OAuthLockTable {
  key: string
  holder: string
  expires_at: Timestamp
}

/** Points used by one account against one limit in the window ending at window_ends. */
export interface RateLimitTable {
  key: string
  consumed: number
  window_ends: Timestamp
}

/** A label the labeler signed, numbered in the order it was made (labeler/). */
export interface LabelerLabelTable {
  seq: Generated<number>
  src: string
  uri: string
  cid: string | null
  val: string
  neg: boolean
  /** The exact strings that were signed. */
  cts: string
  exp: string | null
  sig: Uint8Array
  superseded: ColumnType<boolean, boolean | undefined, boolean>
}

/** The labeler's single row of state: how far compaction removed superseded labels. */
export interface LabelerStateTable {
  id: number
  compacted_through: number
}

/** How far the AppView has applied an accepted labeler's labels (its seq). */
export interface LabelSubscriptionTable {
  labeler: string
  cursor: number
}

/** A track version the labeler fingerprints: its state and retries. */
export interface LabelerScanTable {
  uri: string
  cid: string
  did: string
  status: 'pending' | 'running' | 'clear' | 'flagged' | 'failed'
  attempts: ColumnType<number, number | undefined, number>
  due_at: ColumnType<Date, Date | string | undefined, Date | string>
  lease_until: Timestamp | null
  error: string | null
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** A Chromaprint raw fingerprint of a track or of a reference work. */
export interface LabelerFingerprintTable {
  id: Generated<number>
  kind: 'track' | 'reference'
  subject: string
  cid: string | null
  did: string | null
  title: string
  artist: string
  isrc: string | null
  duration: number
  fingerprint: Uint8Array
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
}

/** A match found by a scan, its evidence, and the moderator's decision. */
export interface LabelerFlagTable {
  id: Generated<number>
  uri: string
  cid: string
  did: string
  source: 'fingerprint' | 'audd'
  matched_kind: 'track' | 'reference' | 'audd'
  matched_subject: string | null
  matched_title: string
  matched_artist: string
  matched_isrc: string | null
  offset_s: number | null
  score: number | null
  overlap_s: number | null
  status: ColumnType<
    'pending' | 'confirmed' | 'false_positive',
    'pending' | 'confirmed' | 'false_positive' | undefined,
    'pending' | 'confirmed' | 'false_positive'
  >
  reason: string | null
  created_at: ColumnType<Date, Date | string | undefined, Date | string>
  resolved_at: Timestamp | null
  resolved_by: string | null
}

/** A moderator's action: who, when, what, why. */
export interface LabelerAuditTable {
  id: Generated<number>
  at: ColumnType<Date, Date | string | undefined, Date | string>
  actor: string
  action: string
  subject: string
  reason: string | null
}

/** A stored media object, addressed by its SHA-256 (hex): its storage key. */
export interface MediaObjectTable {
  sha256: string
  /** bigint: a string when read */
  size: ColumnType<string, number, number>
  content_type: string
  created_at: DefaultNow
}

/** Audio an account uploaded and has not made into a track yet. */
export interface MediaUploadTable {
  id: string
  did: string
  sha256: string
  size: ColumnType<string, number, number>
  created_at: DefaultNow
}

export type UploadProgressState = 'receiving' | 'received' | 'failed'

/** An upload as it streams, named by the client (X-Plyr-Upload-Id), and the job it became. */
export interface MediaUploadProgressTable {
  id: string
  did: string
  received: ColumnType<number, number | undefined, number>
  /** the declared Content-Length, when there was one */
  total: ColumnType<number | null, number | null | undefined, number | null>
  state: UploadProgressState
  /** why the upload failed, for a person */
  error: string | null
  job_id: string | null
  updated_at: DefaultNow
}

export type MediaJobState = 'queued' | 'running' | 'done' | 'failed'

/** A processing job: an upload becoming a track (media/, appview/src/media/worker.ts). */
export interface MediaJobTable {
  id: string
  did: string
  /** the OAuth grant the job publishes through */
  grant_id: string
  /** the upload's object */
  sha256: string
  /** the track record's key, chosen when the job is made */
  rkey: string
  /** the artist's metadata (fm.plyr.feed.createTrack's input, less the upload id) */
  input: Json
  state: MediaJobState
  /** received, probing, transcoding, analysing, publishing, done, failed */
  stage: string
  percent: number | null
  error: string | null
  attempts: Generated<number>
  /** a running job's lease: past it, the reaper retries or fails the job */
  locked_until: Timestamp | null
  created_at: DefaultNow
  updated_at: DefaultNow
}

/** One version of a track's media (the highest is current), with its analysis. */
export interface MediaVersionTable {
  track_uri: string
  version: number
  did: string
  original_sha256: string
  /** what probing found: mp3, m4a, wav, flac, aiff, ogg, webm */
  original_format: string
  playable_sha256: string
  playable_type: string
  /** seconds, from the decode */
  duration: number
  loudness_lufs: number | null
  true_peak_db: number | null
  /** hundredths of a dB bringing the track to -14 LUFS integrated */
  gain_centi_db: number | null
  /** waveform peaks, one byte each (0..255), base64 */
  peaks: string
  /** Chromaprint (base64, as fpcalc prints it), for the labeler */
  fingerprint: string | null
  /** the track's cover art (media_image), if plyr stores one */
  image_id: ColumnType<string | null, string | null | undefined, string | null>
  created_at: DefaultNow
}

/** Cover art: the original and its square WebP thumbnails (300 and 600 px). */
export interface MediaImageTable {
  id: string
  did: string
  original_sha256: string
  small_sha256: string
  large_sha256: string
  created_at: DefaultNow
}

export interface IndexSchema {
  actor: ActorTable
  backfill_repo: BackfillRepoTable
  backfill_listing: BackfillListingTable
  artist_profile: ArtistProfileTable
  record: RecordTable
  invalid_record: InvalidRecordTable
  track: TrackTable
  track_count: TrackCountTable
  track_recount: TrackRecountTable
  track_tag: TrackTagTable
  like: LikeTable
  comment: CommentTable
  play: PlayTable
  play_salt: PlaySaltTable
  list: ListTable
  list_item: ListItemTable
  cursor: CursorTable
  label: LabelTable
  oauth_state: OAuthStateTable
  oauth_grant: OAuthGrantTable
  browser_session: BrowserSessionTable
  browser_account: BrowserAccountTable
  developer_token: DeveloperTokenTable
  oauth_lock: OAuthLockTable
  rate_limit: RateLimitTable
  labeler_label: LabelerLabelTable
  labeler_state: LabelerStateTable
  label_subscription: LabelSubscriptionTable
  labeler_scan: LabelerScanTable
  labeler_fingerprint: LabelerFingerprintTable
  labeler_flag: LabelerFlagTable
  labeler_audit: LabelerAuditTable
  media_object: MediaObjectTable
  media_upload: MediaUploadTable
  media_upload_progress: MediaUploadProgressTable
  media_job: MediaJobTable
  media_version: MediaVersionTable
  media_image: MediaImageTable
}

export type ActorRow = Selectable<ActorTable>
export type TrackRow = Selectable<TrackTable>
export type NewTrack = Insertable<TrackTable>
export type LabelRow = Selectable<LabelTable>
export type NewLabel = Insertable<LabelTable>
export type NewLabelerFlag = Insertable<LabelerFlagTable>

/** A transaction on the index: what every write that must commit together takes. */
export type Tx = Transaction<IndexSchema>
