import { readFile, rm } from 'node:fs/promises'
import type { Tx } from '@plyr/db'
import { type LexValue, lexToJson, XrpcResponseError } from '@atproto/lex'
import { XRPCError } from '@atproto/xrpc-server'
import {
  extensionOf,
  extractCover,
  MediaError,
  type Processed,
  type Probed,
  probe,
  processAudio,
} from '@plyr/media'
import type { ProcessPart } from '@plyr/core'
import { Gauge, Registry } from 'prom-client'
import type { AppContext } from '../context.js'
import { withFields } from '../writes/fields.js'
import { type RecordJson, writeRecord } from '../writes/pds-write.js'
import { ownRecord } from '../writes/stored.js'
import {
  claimJob,
  finishJob,
  holdJob,
  type Job,
  JobCancelledError,
  jobCounts,
  reapJobs,
  reportJob,
} from './jobs.js'
import { imageUrl } from '../links.js'
import { storeImage } from './images.js'
import { addObject, deleteVersions, releaseObjects } from './objects.js'
import { sweepMedia } from './sweep.js'

/** The largest audio blob a track record may carry (fm.plyr.track#audioBlob's maxSize). */
const RECORD_BLOB_MAX = 104_857_600
/** How often the worker looks for work and reaps stale jobs when nobody wakes it. */
const POLL_MS = 2_000

/** Earlier versions of a track's audio kept besides the current one. */
const KEPT_VERSIONS = 10

type JobInput = {
  /** cover art from uploadImage */
  imageId?: string
  /** replace the audio of the existing track (replaceTrackAudio, restoreTrackAudio) */
  replace?: boolean
  title?: string
  album?: string
  description?: string
  features?: string[]
  tags?: string[]
  labels?: string[]
}

/**
 * Takes processing jobs from `media_job`, one at a time: probe, one-pass transcode and
 * analysis, store, publish to the artist's PDS. Runs inside `npm start` (RUN_MEDIA_WORKER)
 * or alone (`npm run start:media`); any number of workers share the table.
 */
export class MediaWorker implements ProcessPart {
  readonly name = 'media'
  readonly metrics = new Registry()
  private running = false
  private loop?: Promise<void>
  private wakeUp?: () => void
  /** jobs by state as of the last round, and whether that round failed */
  private counts: Record<string, number> = {}
  private failing = false
  private sweptAt = 0
  /** the last sweep that succeeded, and the error of the last one if it failed since */
  private sweep: { lastOkAt?: string; lastError?: string } = {}

  constructor(private readonly ctx: AppContext) {
    const { db } = ctx
    new Gauge({
      name: 'plyr_media_jobs',
      help: 'media processing jobs by state',
      labelNames: ['state'],
      registers: [this.metrics],
      async collect() {
        for (const [state, n] of Object.entries(await jobCounts(db))) this.set({ state }, n)
      },
    })
  }

  /**
   * For /health: the jobs by state and the last sweep; degraded while the worker's rounds
   * fail, and from a failed sweep until one succeeds.
   */
  health() {
    return {
      degraded: this.failing || this.sweep.lastError !== undefined,
      storage: this.ctx.media.storage.kind,
      jobs: this.counts,
      sweep: this.sweep,
    }
  }

  start(): void {
    this.running = true
    this.loop = this.run()
  }

  /** There may be work: look now rather than at the next poll. */
  wake(): void {
    this.wakeUp?.()
  }

  /** Takes no more jobs and waits for the current one. */
  async stop(): Promise<void> {
    this.running = false
    this.wake()
    await this.loop
  }

  private async run(): Promise<void> {
    const { ctx } = this
    while (this.running) {
      let job: Job | undefined
      try {
        const failed = await reapJobs(ctx.db)
        if (failed.length > 0) await releaseObjects(ctx.db, ctx.media.storage, failed)
        if (Date.now() - this.sweptAt > ctx.media.cfg.sweepIntervalSeconds * 1000) {
          this.sweptAt = Date.now()
          await this.sweepOnce()
        }
        job = await claimJob(ctx.db)
        if (job) await this.process(job)
        this.counts = await jobCounts(ctx.db)
        this.failing = false
      } catch (err) {
        this.failing = true
        ctx.logger.error({ err, job: job?.id }, 'the media worker failed a round')
      }
      if (!job && this.running) {
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, POLL_MS)
          this.wakeUp = () => {
            clearTimeout(timer)
            resolve()
          }
        })
        this.wakeUp = undefined
      }
    }
  }

  /** Sweeps (sweep.ts); a failure is kept for /health until a sweep succeeds. */
  private async sweepOnce(): Promise<void> {
    const { ctx } = this
    try {
      const swept = await sweepMedia(ctx.db, ctx.media.storage, ctx.media.stagingDir)
      this.sweep = { lastOkAt: new Date().toISOString() }
      ctx.logger.info(swept, 'media swept')
    } catch (err) {
      this.sweep = { ...this.sweep, lastError: String(err) }
      ctx.logger.error({ err }, 'the media sweep failed')
    }
  }

  private async process(job: Job): Promise<void> {
    const { ctx } = this
    const log = ctx.logger.child({ job: job.id, did: job.did })
    const uri = `at://${job.did}/${ctx.cfg.namespace.collection('track')}/${job.rkey}`
    const made: { version?: number; published?: boolean } = {}
    try {
      await this.publishTrack(job, uri, made)
      if (!(await finishJob(ctx.db, job.id, { state: 'done' }))) {
        throw new JobCancelledError(job.id)
      }
      log.info({ uri }, 'a track was processed and published')
    } catch (err) {
      // nothing half-done: the version this job made goes, with what only it used
      if (made.version !== undefined) {
        await deleteVersions(ctx.db, ctx.media.storage, uri, (v) => v === made.version)
      }
      if (err instanceof JobCancelledError) {
        // cancelled once it had published: the record it wrote goes too
        if (made.published) await this.unpublish(job, uri)
        log.info({ uri }, 'a media job was cancelled')
      } else if (!(err instanceof MediaError)) {
        log.error({ err }, 'a media job failed')
      }
      await finishJob(ctx.db, job.id, { state: 'failed', error: failureReason(err) })
      await releaseObjects(ctx.db, ctx.media.storage, [job.sha256])
    }
  }

  /** Deletes the track record a cancelled job wrote (the index follows at once). */
  private async unpublish(job: Job, uri: string): Promise<void> {
    const { ctx } = this
    const account = ctx.auth.forGrant(job.did, job.grant_id)
    await writeRecord(ctx, account, { op: 'delete', name: 'track', rkey: job.rkey }).catch(
      (err: unknown) =>
        ctx.logger.error({ err, uri }, 'a cancelled job could not delete its record'),
    )
  }

  private async publishTrack(
    job: Job,
    uri: string,
    made: { version?: number; published?: boolean },
  ): Promise<void> {
    const { ctx } = this
    const { media } = ctx
    const timeoutMs = media.cfg.jobTimeoutSeconds * 1000
    await reportJob(ctx.db, job.id, 'probing')
    const file = await media.storage.localFile(job.sha256, media.stagingDir)
    let probed: Probed
    let processed: Processed
    try {
      probed = await probe(file.path, timeoutMs)
      if (probed.duration !== undefined && probed.duration > media.cfg.maxAudioSeconds) {
        throw new MediaError(
          'TooLong',
          `the audio is ${Math.round(probed.duration)} s long; the limit is ${media.cfg.maxAudioSeconds} s`,
        )
      }
      await reportJob(ctx.db, job.id, 'transcoding', 0)
      let reported = Date.now()
      processed = await processAudio(file.path, {
        probed,
        workDir: media.stagingDir,
        maxSeconds: media.cfg.maxAudioSeconds,
        timeoutMs,
        onProgress: (percent) => {
          if (Date.now() - reported < 500) return
          reported = Date.now()
          void reportJob(ctx.db, job.id, 'transcoding', percent).catch(() => {})
        },
      })
    } finally {
      await file.release()
    }
    await reportJob(ctx.db, job.id, 'analysing')
    const input = job.input as JobInput
    const playable = processed.transcoded
      ? {
          sha256: processed.transcoded.sha256,
          size: processed.transcoded.size,
          contentType: 'audio/mpeg',
          ext: 'mp3',
        }
      : {
          sha256: job.sha256,
          size: await objectSizeOf(ctx, job.sha256),
          contentType: probed.contentType,
          ext: extensionOf(probed.format),
        }
    const last = await ctx.db
      .selectFrom('media_version')
      .select((eb) => eb.fn.max('version').as('v'))
      .where('track_uri', '=', uri)
      .executeTakeFirst()
    const version = (last?.v ?? 0) + 1
    const insertVersion = async (tx: Tx) => {
      // committed before a cancellation (which then deletes it), or not at all
      await holdJob(tx, job.id)
      await tx
        .insertInto('media_version')
        .values({
          track_uri: uri,
          version,
          did: job.did,
          original_sha256: job.sha256,
          original_format: probed.format,
          playable_sha256: playable.sha256,
          playable_type: playable.contentType,
          duration: processed.duration,
          loudness_lufs: processed.loudnessLufs,
          true_peak_db: processed.truePeakDb,
          gain_centi_db: processed.gainCentiDb,
          peaks: Buffer.from(processed.peaks).toString('base64'),
          fingerprint: processed.fingerprint,
          image_id: imageId ?? null,
        })
        .execute()
    }
    const imageId = await this.coverOf(job, uri, probed, input)
    made.version = version
    if (processed.transcoded) {
      const { path } = processed.transcoded
      await addObject(ctx.db, media.storage, { ...playable, path }, insertVersion).finally(() =>
        rm(path, { force: true }),
      )
    } else {
      await ctx.db.transaction().execute(insertVersion)
    }

    await reportJob(ctx.db, job.id, 'publishing')
    await ctx.db.transaction().execute((tx) => holdJob(tx, job.id))
    const account = ctx.auth.forGrant(job.did, job.grant_id)
    const pds = await account.pds()
    let audioBlob: unknown
    if (playable.size <= RECORD_BLOB_MAX) {
      try {
        const blobFile = await media.storage.localFile(playable.sha256, media.stagingDir)
        // bounded by RECORD_BLOB_MAX: a body the OAuth client can send again on a DPoP retry
        const bytes = await readFile(blobFile.path).finally(() => blobFile.release())
        const encoding = playable.contentType as `${string}/${string}`
        const sent = await pds.uploadBlob(bytes, { encoding })
        audioBlob = lexToJson(sent.body.blob as unknown as LexValue)
      } catch (err) {
        // a PDS refusing the size still gets the record, with plyr's audioUrl alone
        const tooLarge =
          err instanceof XrpcResponseError &&
          (err.status === 413 || /too ?large/i.test(`${err.error} ${err.message}`))
        if (!tooLarge) throw err
        ctx.logger.info(
          { did: job.did, size: playable.size },
          'the PDS refused the audio blob size',
        )
      }
    }

    const audio = {
      audioUrl: `${ctx.service.url}/audio/${job.did}/${job.rkey}`,
      fileType: playable.ext,
      duration: Math.round(processed.duration),
    }
    if (input.replace) {
      // the same record, with its new audio: its URI, likes and comments stay
      const stored = await ownRecord(ctx, account, 'track', uri)
      const record = withFields(stored.json, { ...audio, audioBlob: audioBlob ?? '' })
      made.published = true
      await writeRecord(ctx, account, {
        op: 'update',
        name: 'track',
        rkey: job.rkey,
        record,
        swapRecord: stored.cid,
      })
      // the current version and KEPT_VERSIONS earlier ones
      await deleteVersions(ctx.db, media.storage, uri, (v) => v <= version - KEPT_VERSIONS - 1)
      return
    }
    const tags = probed.tags
    const artist = await artistName(ctx, job.did)
    const record: RecordJson = {
      $type: ctx.cfg.namespace.collection('track'),
      title: input.title || tags.title || tags.TITLE || 'Untitled',
      artist,
      ...audio,
      ...(input.album || tags.album ? { album: input.album || tags.album } : {}),
      ...(input.description ? { description: input.description } : {}),
      ...(input.features?.length ? { features: input.features.map((did) => ({ did })) } : {}),
      ...(input.tags?.length ? { tags: input.tags } : {}),
      ...(input.labels?.length
        ? {
            labels: {
              $type: 'com.atproto.label.defs#selfLabels',
              values: input.labels.map((val) => ({ val })),
            },
          }
        : {}),
      ...(imageId ? { imageUrl: imageUrl(ctx.service.url, imageId) } : {}),
      ...(audioBlob ? { audioBlob } : {}),
      createdAt: new Date().toISOString(),
    }
    made.published = true
    await writeRecord(ctx, account, { op: 'create', name: 'track', rkey: job.rkey, record })
  }

  /**
   * The track's cover: the uploaded one, else (replacing) the current version's, else
   * the audio's embedded picture (a cover that cannot be read is left out, not fatal).
   */
  private async coverOf(
    job: Job,
    uri: string,
    probed: Probed,
    input: JobInput,
  ): Promise<string | undefined> {
    const { ctx } = this
    if (input.imageId) return input.imageId
    if (input.replace) {
      const current = await ctx.db
        .selectFrom('media_version')
        .select('image_id')
        .where('track_uri', '=', uri)
        .orderBy('version', 'desc')
        .executeTakeFirst()
      if (current?.image_id) return current.image_id
    }
    if (!probed.cover) return undefined
    const file = await ctx.media.storage.localFile(job.sha256, ctx.media.stagingDir)
    let cover
    try {
      cover = await extractCover(file.path, ctx.media.stagingDir, 60_000)
    } finally {
      await file.release()
    }
    if (!cover) return undefined
    try {
      return await storeImage(ctx.db, ctx.media.storage, ctx.media.stagingDir, job.did, cover)
    } catch (err) {
      ctx.logger.info({ job: job.id, err: String(err) }, 'the embedded cover could not be used')
      return undefined
    } finally {
      await rm(cover.path, { force: true })
    }
  }
}

async function objectSizeOf(ctx: AppContext, sha256: string): Promise<number> {
  const row = await ctx.db
    .selectFrom('media_object')
    .select('size')
    .where('sha256', '=', sha256)
    .executeTakeFirstOrThrow()
  return Number(row.size)
}

/** The artist's name for the record: their display name or handle as indexed, else the DID. */
async function artistName(ctx: AppContext, did: string): Promise<string> {
  const actor = await ctx.db
    .selectFrom('actor')
    .select(['display_name', 'handle'])
    .where('did', '=', did)
    .executeTakeFirst()
  return (actor?.display_name || actor?.handle || did).slice(0, 256)
}

/** What the uploader reads when a job fails. */
function failureReason(err: unknown): string {
  if (err instanceof MediaError || err instanceof JobCancelledError) return err.message
  if (err instanceof XRPCError) return `publishing to your PDS failed: ${err.message}`
  return 'processing failed on the server; try again later'
}
