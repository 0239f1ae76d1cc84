import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Identity } from '@plyr/core'
import type { IndexSchema, NewLabelerFlag } from '@plyr/db'
import { type Kysely, sql } from 'kysely'
import type { Logger } from 'pino'
import type { LabelInput } from '../store.js'
import { type AuddConfig, recogniseWithAudd } from './audd.js'
import { type AudioLimits, audioLocation, download } from './audio.js'
import {
  type Fingerprint,
  fingerprintBytes,
  fingerprintFile,
  fingerprintFromBytes,
} from './fpcalc.js'
import { compareFingerprints, indexFingerprint, type MatchThresholds } from './match.js'

/** A flag's evidence: what matched, where, how well. */
type Evidence = Omit<NewLabelerFlag, 'uri' | 'cid' | 'did'>

export const COPYRIGHT_LABEL = 'copyright-violation'

export type ScanConfig = AudioLimits & {
  concurrency: number
  pollMs: number
  /** fpcalc's -length: the seconds of each track fingerprinted. */
  fingerprintSeconds: number
  thresholds: MatchThresholds
  audd?: AuddConfig
}

/**
 * The hand-over point for the media pipeline: the raw Chromaprint fingerprint it stored
 * for a track uploaded through plyr (`mediaFingerprints` of `@plyr/media/fingerprint`,
 * reading the current media version), which the scanner uses instead of fetching and
 * fingerprinting the audio itself. Undefined means "not known there": the scanner
 * computes it.
 */
export type MediaFingerprints = (uri: string) => Promise<Fingerprint | undefined>

/** How the scanned versions got their fingerprints, since the process started. */
export type ScanCounts = {
  /** taken from the media pipeline: no audio fetched, no fpcalc run */
  fromMedia: number
  /** computed here with fpcalc */
  computed: number
  /** audio files fetched (for fpcalc, or for AuDD) */
  downloaded: number
}

export type ScannerDeps = {
  db: Kysely<IndexSchema>
  identity: Identity
  cfg: ScanConfig
  logger: Logger
  label(inputs: LabelInput[]): Promise<unknown>
  mediaFingerprints?: MediaFingerprints
}

const LEASE = sql`interval '10 minutes'`
const MAX_BACKOFF_S = 6 * 3600

/**
 * Scans every track version with audio plyr can read: finds new and replaced tracks in the
 * index (`track`, read-only here) and queues them in `labeler_scan`; workers lease due
 * scans (any number of labeler processes share the queue), fingerprint the audio, compare
 * it with every earlier fingerprint by other artists and with the reference catalogue,
 * ask AuDD when configured, and turn each match into a flag with its evidence and a
 * `copyright-violation` label on the track. A failure is retried with backoff (30 s
 * doubling to 6 h, for ever) and shows as `failed` meanwhile: never clear, never stuck.
 */
export class Scanner {
  private timer?: NodeJS.Timeout
  private running?: Promise<unknown>
  private stopped = false
  readonly counts: ScanCounts = { fromMedia: 0, computed: 0, downloaded: 0 }

  constructor(private readonly deps: ScannerDeps) {}

  start(): void {
    const tick = () => {
      this.running = this.pass()
        .catch((err: unknown) => this.deps.logger.warn({ err }, 'scan pass failed'))
        .finally(() => {
          this.running = undefined
          if (!this.stopped) this.timer = setTimeout(tick, this.deps.cfg.pollMs)
        })
    }
    tick()
  }

  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.timer)
    await this.running
  }

  /** One round: queue what is new, then scan what is due. Returns the scans run. */
  async pass(): Promise<number> {
    await this.discover()
    let total = 0
    for (;;) {
      const due = await this.take(this.deps.cfg.concurrency)
      if (due.length === 0 || this.stopped) return total
      await Promise.all(due.map((scan) => this.scan(scan)))
      total += due.length
    }
  }

  /**
   * Queues tracks whose current version has readable audio (a blob, a trusted URL, or
   * plyr's own media: a media version, whose fingerprint the scan reuses) and no scan yet.
   */
  private async discover(): Promise<void> {
    await sql`
      insert into labeler_scan (uri, cid, did, status)
      select t.uri, t.cid, t.did, 'pending' from track t
      left join labeler_scan s on s.uri = t.uri
      where (s.uri is null or s.cid <> t.cid)
        and (t.audio_blob_cid is not null or (t.audio_url is not null and t.audio_url_trusted)
          or exists (select 1 from media_version v where v.track_uri = t.uri))
      limit 1000
      on conflict (uri) do update set cid = excluded.cid, did = excluded.did,
        status = 'pending', attempts = 0, due_at = now(), error = null, updated_at = now()
    `.execute(this.deps.db)
  }

  private async take(n: number) {
    const { rows } = await sql<{ uri: string; cid: string; did: string; attempts: number }>`
      update labeler_scan set status = 'running', lease_until = now() + ${LEASE}, updated_at = now()
      where uri in (
        select uri from labeler_scan
        where (status in ('pending', 'failed') and due_at <= now())
           or (status = 'running' and lease_until < now())
        order by due_at limit ${n} for update skip locked)
      returning uri, cid, did, attempts
    `.execute(this.deps.db)
    return rows
  }

  private async scan(scan: { uri: string; cid: string; did: string; attempts: number }) {
    const { db, logger } = this.deps
    try {
      const track = await db
        .selectFrom('track')
        .select([
          'uri',
          'cid',
          'did',
          'title',
          'artist',
          'audio_url',
          'audio_url_trusted',
          'audio_blob_cid',
        ])
        .where('uri', '=', scan.uri)
        .executeTakeFirst()
      if (!track || track.cid !== scan.cid) {
        // deleted or replaced meanwhile: discovery queues the current version
        await db
          .deleteFrom('labeler_scan')
          .where('uri', '=', scan.uri)
          .where('cid', '=', scan.cid)
          .execute()
        return
      }
      const flagged = await this.fingerprintAndMatch(track)
      await this.finish(scan, flagged ? 'flagged' : 'clear', null)
    } catch (err) {
      logger.warn({ err, uri: scan.uri }, 'scan failed; retrying later')
      await this.finish(scan, 'failed', err instanceof Error ? err.message : String(err))
    }
  }

  private async finish(
    scan: { uri: string; cid: string; attempts: number },
    status: 'clear' | 'flagged' | 'failed',
    error: string | null,
  ) {
    const attempts = status === 'failed' ? scan.attempts + 1 : scan.attempts
    const backoff = Math.min(MAX_BACKOFF_S, 30 * 2 ** Math.max(0, attempts - 1))
    await this.deps.db
      .updateTable('labeler_scan')
      .set({
        status,
        error,
        attempts,
        lease_until: null,
        updated_at: sql`now()`,
        due_at: status === 'failed' ? sql`now() + make_interval(secs => ${backoff})` : sql`now()`,
      })
      .where('uri', '=', scan.uri)
      .where('cid', '=', scan.cid)
      .execute()
  }

  private async fingerprintAndMatch(track: {
    uri: string
    cid: string
    did: string
    title: string
    artist: string
    audio_url: string | null
    audio_url_trusted: boolean
    audio_blob_cid: string | null
  }): Promise<boolean> {
    const { cfg, identity } = this.deps
    const dir = await mkdtemp(join(tmpdir(), 'plyr-scan-'))
    try {
      const path = join(dir, 'audio')
      let fp = await this.deps.mediaFingerprints?.(track.uri)
      if (fp) this.counts.fromMedia++
      if (fp === undefined || cfg.audd !== undefined) {
        await download(identity.fetch, await audioLocation(track, identity), path, cfg)
        this.counts.downloaded++
      }
      if (!fp) {
        fp = await fingerprintFile(path, cfg.fingerprintSeconds)
        this.counts.computed++
      }
      const id = await this.store(track, fp)
      const flags = await this.matches(track, fp.fingerprint, id)
      if (cfg.audd) {
        const found = await recogniseWithAudd(cfg.audd, path)
        if (found) {
          flags.push({
            source: 'audd',
            matched_kind: 'audd',
            matched_subject: null,
            matched_title: found.title,
            matched_artist: found.artist,
            matched_isrc: found.isrc ?? null,
            offset_s: found.offsetSeconds ?? null,
            score: null,
            overlap_s: null,
          })
        }
      }
      if (flags.length === 0) return false
      await this.deps.db
        .insertInto('labeler_flag')
        .values(flags.map((f) => ({ ...f, uri: track.uri, cid: track.cid, did: track.did })))
        .execute()
      // flags take effect at once; a moderator confirms or clears them in /admin
      await this.deps.label([{ uri: track.uri, cid: track.cid, val: COPYRIGHT_LABEL }])
      this.deps.logger.info({ uri: track.uri, flags: flags.length }, 'track flagged')
      return true
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  }

  private async store(
    track: { uri: string; cid: string; did: string; title: string; artist: string },
    fp: Fingerprint,
  ): Promise<number> {
    const row = await this.deps.db
      .insertInto('labeler_fingerprint')
      .values({
        kind: 'track',
        subject: track.uri,
        cid: track.cid,
        did: track.did,
        title: track.title,
        artist: track.artist,
        duration: fp.duration,
        fingerprint: fingerprintBytes(fp.fingerprint),
      })
      .onConflict((oc) =>
        oc.columns(['kind', 'subject']).doUpdateSet((eb) => ({
          cid: eb.ref('excluded.cid'),
          title: eb.ref('excluded.title'),
          artist: eb.ref('excluded.artist'),
          duration: eb.ref('excluded.duration'),
          fingerprint: eb.ref('excluded.fingerprint'),
        })),
      )
      .returning('id')
      .executeTakeFirstOrThrow()
    return Number(row.id)
  }

  /** Every earlier fingerprint by another artist, and every reference, a page at a time. */
  private async matches(track: { did: string }, fp: Uint32Array, id: number) {
    const index = indexFingerprint(fp)
    const found: Evidence[] = []
    // tracks already flagged as copies of this artist's own: the artist re-uploading their
    // recording is not flagged against a copy of it
    const copiesOfTheirs = new Set(
      (
        await this.deps.db
          .selectFrom('labeler_flag as f')
          .innerJoin('labeler_fingerprint as fp', (j) =>
            j.onRef('fp.subject', '=', 'f.matched_subject').on('fp.kind', '=', 'track'),
          )
          .select('f.uri')
          .where('fp.did', '=', track.did)
          .where('f.status', '<>', 'false_positive')
          .execute()
      ).map((r) => r.uri),
    )
    let after = 0
    for (;;) {
      const page = await this.deps.db
        .selectFrom('labeler_fingerprint')
        .selectAll()
        .where('id', '>', after)
        .where((eb) =>
          eb.or([
            eb('kind', '=', 'reference'),
            eb.and([eb('kind', '=', 'track'), eb('did', '<>', track.did), eb('id', '<', id)]),
          ]),
        )
        .orderBy('id')
        .limit(200)
        .execute()
      if (page.length === 0) return found
      after = Number(page[page.length - 1]!.id)
      for (const ref of page) {
        if (copiesOfTheirs.has(ref.subject)) continue
        const match = compareFingerprints(
          fp,
          index,
          fingerprintFromBytes(ref.fingerprint),
          this.deps.cfg.thresholds,
        )
        if (!match) continue
        found.push({
          source: 'fingerprint',
          matched_kind: ref.kind,
          matched_subject: ref.subject,
          matched_title: ref.title,
          matched_artist: ref.artist,
          matched_isrc: ref.isrc,
          offset_s: match.offsetSeconds,
          score: match.score,
          overlap_s: match.overlapSeconds,
        })
      }
    }
  }
}
