import { lexToJson } from '@atproto/lex'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { AccountStatus, CountChanges, IndexSchema, Tx } from '@plyr/db'
import type { CheckedRecord, CommitEvent, IndexEvent, Outcome } from './events.js'
import { splitIntoLanes } from './lanes.js'
import type { IndexerMetrics } from './metrics.js'
import type { IndexedRecord, RecordPlugin } from './plugins/plugin.js'
import { insertActors, knownActors, markIdentityDue, setStatuses } from './store/actors.js'
import { saveCursor } from './store/cursors.js'
import { queueRecounts, recountQueued, vacuumRecountQueue } from './store/recount-queue.js'
import {
  type InvalidRecord,
  putVersions,
  type RecordVersion,
  recordInvalid,
} from './store/records.js'

export type ProcessorOptions = {
  db: Kysely<IndexSchema>
  plugins: Map<string, RecordPlugin>
  /**
   * How many transactions (and connections) a batch is written in at once, each with the
   * events of some of its actors.
   */
  writers: number
  /** Called with each actor the index sees for the first time, after its rows commit. */
  onNewActor?: (did: string) => void
  /** Called when a batch queued identity lookups (new actors, identity events). */
  onIdentitiesDue?: () => void
  logger: Logger
  metrics?: IndexerMetrics
}

/**
 * The one place events become rows, for every source and for backfill. A batch is split
 * by actor into lanes (`writers` of them), each written in its own transaction on its own
 * connection, at the same time; once all have committed, the tracks whose counts they
 * changed are recounted, and only then is the cursor the batch brings its source to
 * saved, so the cursor never runs ahead of the rows. A batch that fails in one lane may
 * have committed others: its events are read again, and what committed is then a replay.
 *
 * - per record, only the version with the newest commit rev counts: a replayed create,
 *   a late older update or a create older than a delete (tombstone) changes nothing;
 * - a record invalid under its lexicon is skipped and kept in invalid_record with the
 *   reason; it never stops the stream;
 * - like and comment counts are recomputed from rows for every track a batch touches.
 */
export class Processor {
  /**
   * Actors the index is known to have: nothing deletes an actor's row, so once seen it
   * stays, and a batch asks the database only about the others (after the first batches,
   * usually none). Cleared when full, which costs a query of each actor once more.
   */
  private readonly knownCache = new Set<string>()
  /** Rows taken off the recount queue since it was last vacuumed. */
  private recountedSinceVacuum = 0

  constructor(private readonly opts: ProcessorOptions) {}

  async apply(
    events: IndexEvent[],
    cursor?: { source: string; value: number },
  ): Promise<Outcome[]> {
    const { db, writers } = this.opts
    const outcomes: Outcome[] = events.map(() => 'ignored')
    // an actor's events all go to one lane, in their order: lanes share no rows
    const lanes = splitIntoLanes([...events.keys()], writers, (i) => events[i]!.did)
    const written = await Promise.allSettled(
      lanes.map(async (lane) => {
        const laneOutcomes = await this.applyLane(lane.map((i) => events[i]!))
        for (const [j, i] of lane.entries()) outcomes[i] = laneOutcomes[j]!
      }),
    )
    // the batch fails only once none of its lanes is still writing
    const failed = written.find((w) => w.status === 'rejected')
    if (failed) throw failed.reason
    // the lanes have committed: the tracks they queued can be counted, and then the cursor
    // saved (committed after them, it cannot outlive them in a crash)
    const taken = await Promise.all(
      Array.from({ length: writers }, (_, lane) =>
        batchTransaction(db, (tx) => recountQueued(tx, lane, writers)),
      ),
    )
    this.recountedSinceVacuum += taken.reduce((sum, n) => sum + n, 0)
    if (cursor) await batchTransaction(db, (tx) => saveCursor(tx, cursor.source, cursor.value))
    if (this.recountedSinceVacuum >= VACUUM_QUEUE_AFTER) {
      this.recountedSinceVacuum = 0
      await vacuumRecountQueue(db)
    }
    return outcomes
  }

  /** Applies the events of some of the batch's actors, in one transaction. */
  private async applyLane(events: IndexEvent[]): Promise<Outcome[]> {
    const outcomes: Outcome[] = events.map(() => 'ignored')
    const latest = this.latestVersions(events)
    // which actors the index already has, read once per batch; who they are (handle, PDS)
    // is looked up later, in the background: nothing here leaves the database
    const known = await this.knownActors(events)
    const newActors = this.newActors(events, known)
    // actors known by the time the batch's rows are written
    for (const did of newActors.keys()) known.add(did)
    const identityDue = new Set<string>()
    await batchTransaction(this.opts.db, async (tx) => {
      await this.applyCommits(tx, events, latest, known, [...newActors.keys()], outcomes)
      this.applyActorEvents(events, known, newActors, identityDue, outcomes)
      await markIdentityDue(tx, [...identityDue])
      await setStatuses(tx, this.latestStatuses(events, outcomes))
    })
    if (this.knownCache.size + known.size > KNOWN_CACHE_SIZE) this.knownCache.clear()
    for (const did of known) this.knownCache.add(did)
    this.opts.metrics?.recordBatch(events, outcomes)
    for (const did of newActors.keys()) this.opts.onNewActor?.(did)
    if (newActors.size > 0 || identityDue.size > 0) this.opts.onIdentitiesDue?.()
    return outcomes
  }

  /** Which of the batch's actors the index has. */
  private async knownActors(events: IndexEvent[]): Promise<Set<string>> {
    const dids = new Set(events.map((e) => e.did))
    const known = await knownActors(
      this.opts.db,
      [...dids].filter((did) => !this.knownCache.has(did)),
    )
    for (const did of dids) if (this.knownCache.has(did)) known.add(did)
    return known
  }

  /**
   * Marks the identity and account events that apply: those of actors the index knows,
   * counted from an actor's first record on, as if the batch were applied one event at a
   * time. An applied identity event queues a fresh lookup of the actor (`identityDue`): the
   * handle an event carries is only a claim, so it is resolved and verified afresh.
   */
  private applyActorEvents(
    events: IndexEvent[],
    known: Set<string>,
    newActors: Map<string, number>,
    identityDue: Set<string>,
    outcomes: Outcome[],
  ): void {
    for (const [i, evt] of events.entries()) {
      if (evt.kind === 'commit' || !known.has(evt.did)) continue
      if ((newActors.get(evt.did) ?? -1) > i) continue
      outcomes[i] = 'applied'
      if (evt.kind === 'identity') identityDue.add(evt.did)
    }
  }

  /** The last applied account status per actor in the batch, written in one statement. */
  private latestStatuses(events: IndexEvent[], outcomes: Outcome[]): Map<string, AccountStatus> {
    const statuses = new Map<string, AccountStatus>()
    for (const [i, evt] of events.entries()) {
      if (evt.kind !== 'account' || outcomes[i] !== 'applied') continue
      statuses.set(evt.did, evt.active ? 'active' : (evt.status ?? 'deactivated'))
    }
    return statuses
  }

  /**
   * For each record uri in our collections, the index of its newest version in the batch
   * (`latest`), and of the write that began the record's life in the batch (`since`: its
   * first create or update after the last delete, in rev order). A record created and
   * edited in one batch counts as indexed when it was created, as when the events come
   * one at a time: how events are batched never moves a track in the feed.
   */
  private latestVersions(events: IndexEvent[]): Map<string, { latest: number; since: number }> {
    const byUri = new Map<string, number[]>()
    for (const [i, evt] of events.entries()) {
      if (evt.kind !== 'commit' || !this.opts.plugins.has(evt.collection)) continue
      push(byUri, evt.uri, i)
    }
    const versions = new Map<string, { latest: number; since: number }>()
    const rev = (i: number) => (events[i] as CommitEvent).rev
    for (const [uri, indices] of byUri) {
      indices.sort((a, b) => (rev(a) < rev(b) ? -1 : rev(a) > rev(b) ? 1 : a - b))
      let since: number | undefined
      for (const i of indices) {
        if ((events[i] as CommitEvent).op === 'delete') since = undefined
        else since ??= i
      }
      const latest = indices.at(-1)!
      versions.set(uri, { latest, since: since ?? latest })
    }
    return versions
  }

  private async applyCommits(
    tx: Tx,
    events: IndexEvent[],
    latest: Map<string, { latest: number; since: number }>,
    known: Set<string>,
    newActors: string[],
    outcomes: Outcome[],
  ): Promise<void> {
    if (latest.size === 0) return
    const now = new Date()
    await insertActors(tx, newActors, now)

    // the newest version of each record in the batch, valid or not
    const versions: { i: number; version: RecordVersion }[] = []
    const invalid: { i: number; record: InvalidRecord }[] = []
    for (const { latest: i, since } of latest.values()) {
      const evt = events[i] as CommitEvent
      const { uri, did, collection, rkey, rev } = evt
      const at = indexedTime(events[since] as CommitEvent, now)
      if (evt.op === 'delete') {
        versions.push({ i, version: { uri, did, collection, rkey, rev, at } })
        continue
      }
      if (this.opts.plugins.get(collection)!.onlyForKnownActors && !known.has(did)) continue
      const { problem, json } = this.check(evt)!
      if (problem) {
        const cid = evt.cid ?? null
        invalid.push({ i, record: { uri, did, collection, rev, cid, reason: problem } })
      } else {
        versions.push({
          i,
          version: { uri, did, collection, rkey, rev, at, write: { cid: evt.cid!, json } },
        })
      }
    }

    // the raw records, each stored only if newer than the index's version of it (a
    // tombstone included); then the plugins' rows for what was stored, in registration
    // order: tracks before the likes that count them
    const stored = await putVersions(
      tx,
      versions.map((v) => v.version),
    )
    const writes = new Map<RecordPlugin, IndexedRecord[]>()
    const deletes = new Map<RecordPlugin, string[]>()
    for (const { i, version } of versions) {
      const put = stored.get(version.uri)
      if (!put) continue
      outcomes[i] = 'applied'
      const evt = events[i] as CommitEvent
      const plugin = this.opts.plugins.get(evt.collection)!
      if (!version.write) push(deletes, plugin, evt.uri)
      else
        push(writes, plugin, {
          ...evt,
          cid: evt.cid!,
          record: evt.record!,
          indexedAt: version.at,
          stored: put.replaced,
        })
    }
    const recount: Required<CountChanges> = { like_count: [], comment_count: [] }
    const collect = (changes: CountChanges) => {
      for (const [count, uris] of Object.entries(changes) as [keyof CountChanges, string[]][])
        recount[count].push(...uris)
    }
    for (const plugin of this.opts.plugins.values()) {
      const dels = deletes.get(plugin)
      if (dels) collect(await plugin.delete(tx, dels))
      const recs = writes.get(plugin)
      if (recs) collect(await plugin.upsert(tx, recs))
    }
    // the counts of the rows the indexer writes (play_count is the AppView's), recounted
    // once every lane of the batch has committed
    await queueRecounts(tx, recount)
    const kept = await recordInvalid(
      tx,
      invalid.map((r) => r.record),
      now,
    )
    for (const { i, record } of invalid) {
      if (!kept.has(record.uri)) continue
      outcomes[i] = 'invalid'
      this.opts.logger.warn(record, 'skipping invalid record')
    }
  }

  /**
   * Checks a create or update against its collection's lexicon and serializes it, once:
   * sources call this as events arrive, so the work overlaps the previous batch's write.
   * Returns undefined for events that are not records of ours.
   */
  check(evt: IndexEvent): CheckedRecord | undefined {
    if (evt.kind !== 'commit' || evt.op === 'delete') return undefined
    const plugin = this.opts.plugins.get(evt.collection)
    if (!plugin) return undefined
    evt.checked ??= checkRecord(plugin, evt)
    return evt.checked
  }

  /**
   * Actors behind plyr records (not Bluesky profiles) that the index has not seen yet,
   * with the position of their first such event in the batch.
   */
  private newActors(events: IndexEvent[], known: Set<string>): Map<string, number> {
    const first = new Map<string, number>()
    for (const [i, e] of events.entries()) {
      const plugin = e.kind === 'commit' && e.op !== 'delete' && this.opts.plugins.get(e.collection)
      if (plugin && !plugin.onlyForKnownActors && !known.has(e.did) && !first.has(e.did)) {
        first.set(e.did, i)
      }
    }
    return first
  }
}

/**
 * The settings of a batch's transaction:
 * - no waiting for each commit's WAL flush: the cursor commits after the rows it covers,
 *   so if the database loses the last few commits in a crash (always the latest ones),
 *   the cursor goes back with them and the events are read again;
 * - no sequential scans: every statement finds its rows by key, a few hundred of them.
 *   Without fresh statistics (a fast-growing table between analyses, autovacuum off),
 *   Postgres guesses that `= any` of that many keys matches most of a table and reads all
 *   of it, so a batch would cost in proportion to the tables, not to itself;
 * - no JIT: compiling costs more than such statements run, and a guessed cost can
 *   trigger it.
 */
const BATCH_SETTINGS = sql`select
  set_config('synchronous_commit', 'off', true),
  set_config('enable_seqscan', 'off', true),
  set_config('jit', 'off', true)`

/** Runs `write` in a transaction with the batch settings; returns what it returns. */
function batchTransaction<T>(db: Kysely<IndexSchema>, write: (tx: Tx) => Promise<T>): Promise<T> {
  return db.transaction().execute(async (tx) => {
    await BATCH_SETTINGS.execute(tx)
    return write(tx)
  })
}

/**
 * When an event counts as indexed: the time the relay stamped on it (Jetstream's
 * `time_us`, the firehose commit's `time`), so that a replay ranks tracks as the live
 * stream did; the wall clock for records with no such time (backfill). Never later than
 * now: a stamp from the future is no reason to rank a track higher.
 */
function indexedTime(evt: CommitEvent, now: Date): Date {
  return evt.time !== undefined && evt.time < now.getTime() ? new Date(evt.time) : now
}

/** The most actors `Processor` remembers as known (DIDs: up to about 10 MB). */
const KNOWN_CACHE_SIZE = 100_000

/**
 * The recount queue is vacuumed once this many of its rows have been taken since the last
 * time (see vacuumRecountQueue): it then holds at most a few dozen pages, however the
 * events come in batches.
 */
const VACUUM_QUEUE_AFTER = 2048

function checkRecord(plugin: RecordPlugin, evt: CommitEvent): CheckedRecord {
  if (!evt.cid || !evt.record) return { problem: 'missing cid or record', json: '' }
  const json = JSON.stringify(evt.recordJson ?? lexToJson(evt.record))
  const check = plugin.validate(evt.record)
  if (!check.ok) return { problem: check.reason, json }
  // valid under the lexicon, but Postgres text and json cannot hold NUL characters
  if (json.includes('\\u0000')) return { problem: 'contains a NUL character', json }
  return { problem: undefined, json }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key)
  if (list) list.push(value)
  else map.set(key, [value])
}
