import { createIdentity, envBool, HealthServer, sharedConfigFromEnv } from '@plyr/core'
import { Database } from '@plyr/db'
import {
  createPlugins,
  Indexer,
  type IndexerConfig,
  indexerConfigFromEnv,
  Processor,
} from '@plyr/indexer'
import { Labeler, type LabelerConfig, labelerConfigFromEnv } from '@plyr/labeler'
import { mediaFingerprints } from '@plyr/media/fingerprint'
import type { Logger } from 'pino'
import { type AppViewConfig, appViewConfigFromEnv } from './config.js'
import { LabelSubscriptions } from './labels/subscription.js'
import { createAppContext } from './context.js'
import { MediaWorker } from './media/worker.js'
import { resolveSessionSecret } from './oauth/secret.js'
import { AppViewServer } from './server.js'
import type { ApplyWrites } from './writes/apply.js'

/**
 * What `npm start` runs: the AppView, the indexer when RUN_INDEXER is on, and the labeler
 * when LABELER_DID is set and RUN_LABELER is on.
 */
export type ServiceConfig = {
  appview: AppViewConfig
  indexer?: IndexerConfig
  labeler?: LabelerConfig
}

/** The settings of every part `npm start` runs, from one reading of the environment. */
export function serviceConfigFromEnv(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const shared = sharedConfigFromEnv(env)
  return {
    appview: appViewConfigFromEnv(env, shared),
    indexer: envBool(env, 'RUN_INDEXER', true) ? indexerConfigFromEnv(env, shared) : undefined,
    labeler: envBool(env, 'RUN_LABELER', true) ? labelerConfigFromEnv(env, shared) : undefined,
  }
}

/**
 * The AppView with, when configured, the indexer in the same process: what `npm start`
 * runs, and what the dev network and end-to-end tests start. The one place the AppView
 * imports the indexer.
 */
export class PlyrService implements AsyncDisposable {
  private constructor(
    readonly database: Database,
    readonly server: AppViewServer,
    readonly indexer: Indexer | undefined,
    readonly labeler: Labeler | undefined,
    readonly labels: LabelSubscriptions,
    readonly port: number,
    private readonly logger: Logger,
  ) {}

  static async start(cfg: ServiceConfig, logger: Logger): Promise<PlyrService> {
    const { sessionSecret, database } = await openDatabase(cfg, logger)
    const indexer = cfg.indexer
      ? await Indexer.create(cfg.indexer, database.db, logger.child({ subsystem: 'indexer' }))
      : undefined
    const labeler = cfg.labeler
      ? await Labeler.start({
          cfg: cfg.labeler,
          db: database.db,
          logger: logger.child({ subsystem: 'labeler' }),
          // tracks uploaded through plyr are scanned from the fingerprint media stored
          mediaFingerprints: mediaFingerprints(database.db),
        })
      : undefined
    const labels = new LabelSubscriptions(
      cfg.appview.acceptedLabelers,
      database.db,
      createIdentity(cfg.appview.identity).resolver,
      logger.child({ subsystem: 'labels' }),
    )
    const server = new AppViewServer({
      cfg: cfg.appview,
      db: database.db,
      logger: logger.child({ subsystem: 'appview' }),
      sessionSecret,
      runMediaWorker: cfg.appview.runMediaWorker,
      applyWrites: writesApplier(cfg, database, logger, indexer),
      // the labeler's /admin, with plyr's sign-in (a session cookie) for ADMIN_DIDS
      routes: labeler
        ? (app, ctx) =>
            app.use(
              '/admin',
              labeler.adminRouter((req, res) => ctx.auth.sessionAccount(req, res), ctx.service.url),
            )
        : undefined,
      parts: [
        ...(indexer
          ? [{ name: 'indexer', health: () => indexer.health(), metrics: indexer.metrics.registry }]
          : []),
        ...(cfg.appview.acceptedLabelers.length > 0
          ? [{ name: 'labels', health: () => labels.health(), metrics: labels.registry }]
          : []),
      ],
    })
    const port = await server.start(cfg.appview.port)
    await indexer?.start(database.lock)
    labels.start()
    logger.info(
      {
        port,
        database: database.kind,
        indexer: cfg.indexer?.source ?? 'off',
        labeler: labeler ? { did: labeler.did, url: labeler.url } : 'off',
      },
      'plyr is up',
    )
    return new PlyrService(database, server, indexer, labeler, labels, port, logger)
  }

  get url(): string {
    return `http://localhost:${this.port}`
  }

  /** Stops taking requests, lets the indexer finish its current batch, then closes the db. */
  async destroy(): Promise<void> {
    await this.labels.destroy()
    await this.labeler?.destroy()
    await this.server.destroy()
    await this.indexer?.destroy()
    await this.database.destroy()
    this.logger.info('plyr stopped')
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

/** The session secret (checked first: a missing one fails before anything opens), then the migrated database. */
async function openDatabase(cfg: ServiceConfig, logger: Logger) {
  const sessionSecret = resolveSessionSecret(
    cfg.appview.sessionSecret,
    cfg.appview.database,
    logger,
  )
  const database = await Database.open(cfg.appview.database)
  await database.migrate()
  return { sessionSecret, database }
}

/**
 * The media worker alone (`npm run start:media`): processing jobs from the database that
 * AppView processes queue, with the AppView's settings (PUBLIC_URL names where the
 * published records point; the session secret opens the artists' grants), serving its
 * `/health` and `/metrics` on `port` (0 picks a free one). Resolves once it runs; the
 * returned function stops it.
 */
export async function startMediaWorker(
  cfg: ServiceConfig,
  logger: Logger,
  port: number,
): Promise<() => Promise<void>> {
  const { sessionSecret, database } = await openDatabase(cfg, logger)
  const ctx = await createAppContext(
    {
      cfg: cfg.appview,
      db: database.db,
      logger: logger.child({ subsystem: 'media' }),
      sessionSecret,
      applyWrites: writesApplier(cfg, database, logger, undefined),
    },
    cfg.appview.port,
  )
  const worker = new MediaWorker(ctx)
  const http = await HealthServer.start({
    service: 'the media worker',
    db: database.db,
    parts: [worker],
    port,
    logger,
  }).catch(async (err: unknown) => {
    await database.destroy()
    throw err
  })
  worker.start()
  logger.info({ storage: ctx.media.storage.kind, port: http.port }, 'the media worker is up')
  return async () => {
    await http.destroy()
    await worker.stop()
    await database.destroy()
  }
}

/**
 * Read-after-write: what the AppView wrote to a PDS, applied to the index by the indexer's
 * own processor (same validation, same rev guard), whether or not the indexer runs in this
 * process. An actor seen for the first time is backfilled by the indexer here, if it runs
 * here; else by the indexer process, which resumes unfinished backfills.
 */
function writesApplier(
  cfg: ServiceConfig,
  database: Database,
  logger: Logger,
  indexer: Indexer | undefined,
): ApplyWrites {
  const { appview } = cfg
  const processor = new Processor({
    db: database.db,
    plugins: createPlugins(appview.namespace, {
      trustedMediaOrigins: new Set(appview.trustedMediaOrigins),
    }),
    writers: 1,
    onNewActor: (did) => {
      if (cfg.indexer?.backfillNewActors) void indexer?.backfiller.enqueue([did]).catch(() => {})
    },
    onIdentitiesDue: () => indexer?.identities.notify(),
    logger: logger.child({ subsystem: 'writes' }),
  })
  return async (writes) => {
    await processor.apply(writes.map((write) => ({ kind: 'commit' as const, ...write })))
  }
}
