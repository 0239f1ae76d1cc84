import { createHash } from 'node:crypto'
import type { Secp256k1Keypair } from '@atproto/crypto'
import { createIdentity } from '@plyr/core'
import { databaseHealth, healthAnswer, type IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { LabelerConfig } from './config.js'
import { LabelFeed } from './feed.js'
import { Moderation } from './admin/moderation.js'
import { adminRouter } from './admin/routes.js'
import { AdminAuth } from './admin/session.js'
import { type MediaFingerprints, Scanner } from './scan/scanner.js'
import { LabelerHttp } from './server.js'
import { resolveSigningKey } from './signing-key.js'
import { type LabelInput, type LabelRow, LabelStore } from './store.js'
import queryLabels from './xrpc/queryLabels.js'
import subscribeLabels from './xrpc/subscribeLabels.js'

type AdminAuthSignedIn = ConstructorParameters<typeof AdminAuth>[0]['signedIn']

export type LabelerDeps = {
  cfg: LabelerConfig
  /** The migrated database (shared with the AppView inside `npm start`). */
  db: Kysely<IndexSchema>
  logger: Logger
  /** The media pipeline's fingerprints (`@plyr/media/fingerprint`; see MediaFingerprints). */
  mediaFingerprints?: MediaFingerprints
}

/**
 * The labeler: signs labels into its log and serves them over `com.atproto.label.*` on its
 * own port. Runs inside `npm start` (service.ts) or alone (`npm run start:labeler`).
 */
export class Labeler implements AsyncDisposable {
  private compactTimer?: NodeJS.Timeout
  scanner?: Scanner
  /**
   * /admin for another server of this process: the AppView mounts it with plyr's sign-in
   * (`signedIn` gives a request's account) and its own URL for links.
   */
  adminRouter!: (signedIn?: AdminAuthSignedIn, appUrl?: string) => ReturnType<typeof adminRouter>

  private constructor(
    readonly did: string,
    readonly key: Secp256k1Keypair,
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
    const http = new LabelerHttp(logger)
    queryLabels(http.xrpc, db)
    subscribeLabels(http.xrpc, store, feed)
    const adminSecret = createHash('sha256')
      .update('plyr-labeler-admin')
      .update(await key.export())
      .digest()
    const admin = (signedIn?: AdminAuthSignedIn, appUrl?: string) =>
      adminRouter({
        db,
        appUrl,
        auth: new AdminAuth({
          adminDids: new Set(cfg.adminDids),
          adminToken: cfg.adminToken,
          signedIn,
          secure: (appUrl ?? cfg.publicUrl ?? '').startsWith('https:'),
          secret: adminSecret,
        }),
        moderation: new Moderation(db, {
          label: (inputs) => labeler.label(inputs),
          negate: (inputs) => labeler.negate(inputs),
        }),
      })
    http.app.use('/admin', admin(undefined, cfg.appUrl))
    // 200 while the database answers, 503 "down" when it does not (as every plyr server)
    http.app.get('/health', (_req, res, next) => {
      databaseHealth(db).then((database) => {
        const labelerPart = {
          degraded: false,
          seq: feed.seq,
          ...(labeler?.scanner ? { scanner: labeler.scanner.counts } : {}),
        }
        const { httpStatus, body } = healthAnswer(database, { labeler: labelerPart })
        res.status(httpStatus).json(body)
      }, next)
    })
    let port: number
    try {
      port = await http.start(cfg.port)
    } catch (err) {
      await feed.stop()
      throw err
    }
    const url = cfg.publicUrl ?? `http://localhost:${port}`
    const labeler: Labeler = new Labeler(cfg.did, key, store, feed, http, port, url, logger)
    labeler.adminRouter = admin
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
    await this.feed.committed(rows)
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
