import { keepConnectionsAlive, asyncRoute, plainErrorHandler, xrpcErrorParser } from '@plyr/core'
import { once } from 'node:events'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { Registry } from 'prom-client'
import { createServer as createXrpcServer } from '@atproto/xrpc-server'
import { registerApi } from './api/index.js'
import { type AppContext, type AppDeps, createAppContext } from './context.js'
import { AUDIO_PREFIX, audioHandler } from './http/audio.js'
import { didDocumentHandler } from './http/did-document.js'
import { CLIENT_ROUTES, EMBED_ROUTES, webClient } from './http/client.js'
import { healthHandler } from './http/health.js'
import { indexHandler } from './http/index-page.js'
import { oauthRoutes } from './http/oauth.js'
import { oembedHandler } from './http/oembed.js'
import { CLIENT_METADATA_PATH, JWKS_PATH } from './oauth/client.js'
import { MediaWorker } from './media/worker.js'
import { uploadEventsHandler } from './http/upload-events.js'
import { peaksHandler } from './http/peaks.js'
import { imagesHandler } from './http/images.js'
import { databaseRateLimiter, WRITE_LIMIT } from './writes/rate-limit.js'

/** The AppView's HTTP server: XRPC methods plus plain routes. */
export class AppViewServer implements AsyncDisposable {
  private http?: HttpServer
  private mediaWorker?: MediaWorker
  /** Built once the server listens (the service's URL may depend on the port it got). */
  ctx?: AppContext

  constructor(private readonly deps: AppDeps) {}

  private createApp(ctx: AppContext): express.Express {
    const xrpc = createXrpcServer([], {
      errorParser: xrpcErrorParser(ctx.logger),
      rateLimits: {
        creator: databaseRateLimiter(ctx.db, ctx.logger.child({ subsystem: 'rate-limit' })),
        shared: [{ name: WRITE_LIMIT, durationMs: 60_000, points: ctx.cfg.writesPerMinute }],
      },
    })
    registerApi(xrpc, ctx)
    const app = express()
    app.disable('x-powered-by')
    // which labelers' labels the answers apply (the atproto label-header convention)
    const labelers = ctx.cfg.acceptedLabelers.join(', ')
    if (labelers) {
      app.use('/xrpc', (_req, res, next) => {
        res.setHeader('atproto-content-labelers', labelers)
        next()
      })
    }
    const client = ctx.cfg.clientDir ? webClient(ctx, ctx.cfg.clientDir) : undefined
    if (client) {
      app.use(client.assets)
      app.get(CLIENT_ROUTES, asyncRoute(client.page))
      app.get(EMBED_ROUTES, client.embed)
    } else {
      if (ctx.cfg.clientDir)
        ctx.logger.warn({ dir: ctx.cfg.clientDir }, 'the web client is not built')
      app.get('/', indexHandler(ctx))
    }
    app.get('/health', healthHandler(ctx))
    app.get([AUDIO_PREFIX, `${AUDIO_PREFIX}/*`], asyncRoute(audioHandler(ctx)))
    app.get('/oembed', asyncRoute(oembedHandler(ctx)))
    app.get('/peaks/*', asyncRoute(peaksHandler(ctx)))
    app.get('/images/:id/:file', asyncRoute(imagesHandler(ctx)))
    app.get('/uploads/:id/events', asyncRoute(uploadEventsHandler(ctx)))
    const oauth = oauthRoutes(ctx)
    if (!ctx.oauth.unavailable) {
      app.get(CLIENT_METADATA_PATH, (_req, res) => res.json(ctx.oauth.metadata))
      app.get(JWKS_PATH, (_req, res) => res.json(ctx.oauth.jwks))
    }
    app.get('/oauth/login', asyncRoute(oauth.login))
    app.get('/oauth/tokens/new', asyncRoute(oauth.newToken))
    app.get('/oauth/callback', asyncRoute(oauth.callback))
    app.post('/oauth/logout', asyncRoute(oauth.logout))
    app.post('/oauth/switch', asyncRoute(oauth.switchAccount))
    if (ctx.service.did.startsWith('did:web:')) {
      app.get('/.well-known/did.json', didDocumentHandler(ctx.service))
    }
    const registries = ctx.parts.flatMap((p) => (p.metrics ? [p.metrics] : []))
    if (registries.length > 0) {
      const metrics = Registry.merge(registries)
      app.get(
        '/metrics',
        asyncRoute(async (_req, res) => {
          res.type(metrics.contentType).send(await metrics.metrics())
        }),
      )
    }
    this.deps.routes?.(app, ctx)
    app.use(xrpc.router)
    if (client) app.get('*', client.notFound)
    app.use(plainErrorHandler(ctx.logger))
    return app
  }

  /** Listens on `port` (0 picks a free one) and returns the port. */
  async start(port: number): Promise<number> {
    const http = keepConnectionsAlive(createServer())
    this.http = http
    http.listen(port, '0.0.0.0')
    await once(http, 'listening')
    const actual = (http.address() as AddressInfo).port
    try {
      this.ctx = await createAppContext(this.deps, actual)
    } catch (err) {
      await this.destroy()
      throw err
    }
    if (this.deps.runMediaWorker) {
      this.mediaWorker = new MediaWorker(this.ctx)
      this.ctx.mediaWorker = this.mediaWorker
      this.ctx.parts.push(this.mediaWorker)
    }
    http.on('request', this.createApp(this.ctx))
    this.mediaWorker?.start()
    return actual
  }

  async destroy(): Promise<void> {
    if (!this.http) return
    const http = this.http
    this.http = undefined
    await this.mediaWorker?.stop()
    http.closeIdleConnections()
    await new Promise<void>((resolve, reject) =>
      http.close((err) => (err ? reject(err) : resolve())),
    )
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
