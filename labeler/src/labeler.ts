import type { Keypair } from '@atproto/crypto'
import { createIdentity } from '@plyr/core'
import type { IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { LabelerConfig } from './config.js'
import { LabelFeed } from './feed.js'
import { type MediaFingerprints, Scanner } from './scan/scanner.js'
import { LabelerHttp } from './server.js'
import { resolveSigningKey } from './signing-key.js'
import { type LabelInput, type LabelRow, LabelStore } from './store.js'
import queryLabels from './xrpc/queryLabels.js'
import subscribeLabels from './xrpc/subscribeLabels.js'

export type LabelerDeps = {
  cfg: LabelerConfig
  /** The migrated database (shared with the AppView inside `npm start`). */
  db: Kysely<IndexSchema>
  logger: Logger
  /** The media pipeline's fingerprints, when it runs (see MediaFingerprints). */
  mediaFingerprints?: MediaFingerprints
}

/**
 * The labeler: signs labels into its log and serves them over `com.atproto.label.*` on its
 * own port. Runs inside `npm start` (service.ts) or alone (`npm run start:labeler`).
 */
export class Labeler implements AsyncDisposable {
  private compactTimer?: NodeJS.Timeout
  scanner?: Scanner

  private constructor(
    readonly did: string,
    readonly key: Keypair,
    readonly store: LabelStore,
    readonly feed: LabelFeed,
    private readonly http: LabelerHttp,
    readonly port: number,
    readonly url: string,
    private readonly logger: Logger,
  ) {}

  static async start({ cfg, db, logger, mediaFingerprints }: LabelerDeps): Promise<Labeler> {
    const key = await resolveSigningKey(cfg.signingKey, cfg.dataDir, logger)
    const store = new LabelStore(db, cfg.did, key)
    const feed = await LabelFeed.start(store, {
      databaseUrl: cfg.database.databaseUrl,
      pollMs: cfg.pollMs,
      logger,
    })
    const http = new LabelerHttp()
    queryLabels(http.xrpc, db)
    subscribeLabels(http.xrpc, store, feed)
    let port: number
    try {
      port = await http.start(cfg.port)
    } catch (err) {
      await feed.stop()
      throw err
    }
    const url = cfg.publicUrl ?? `http://localhost:${port}`
    const labeler = new Labeler(cfg.did, key, store, feed, http, port, url, logger)
    if (cfg.compactHours > 0) {
      labeler.compactTimer = setInterval(
        () =>
          void labeler.compact().catch((err: unknown) => logger.warn({ err }, 'compaction failed')),
        cfg.compactHours * 3_600_000,
      )
      labeler.compactTimer.unref()
    }
    if (cfg.scan) {
      labeler.scanner = new Scanner({
        db,
        identity: createIdentity(cfg.identity),
        cfg: cfg.scan,
        logger: logger.child({ part: 'scanner' }),
        label: (inputs) => labeler.label(inputs),
        mediaFingerprints,
      })
      labeler.scanner.start()
    }
    logger.info({ did: cfg.did, url, key: key.did() }, 'labeler is up')
    return labeler
  }

  /** Signs and stores labels, and hands them to this process's subscribers at once. */
  async label(inputs: LabelInput[]): Promise<LabelRow[]> {
    const rows = await this.store.create(inputs)
    await this.feed.refresh()
    return rows
  }

  /** Negates labels: a new signed label with `neg: true` for each. */
  negate(inputs: Omit<LabelInput, 'neg'>[]): Promise<LabelRow[]> {
    return this.label(inputs.map((input) => ({ ...input, neg: true })))
  }

  async compact(): Promise<void> {
    const removed = await this.store.compact()
    if (removed > 0) this.logger.info({ removed }, 'compacted superseded labels')
  }

  async destroy(): Promise<void> {
    clearInterval(this.compactTimer)
    await this.scanner?.stop()
    await this.feed.stop()
    await this.http.destroy()
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
