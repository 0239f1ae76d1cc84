import { once } from 'node:events'
import type { AddressInfo } from 'node:net'
import type { Server as HttpServer } from 'node:http'
import express from 'express'
import { createServer as createXrpcServer } from '@atproto/xrpc-server'
import { registerApi } from './api/index.js'
import type { AppContext } from './context.js'
import { xrpcErrorParser } from './http/errors.js'
import { healthHandler } from './http/health.js'

/** The AppView's HTTP server: XRPC methods plus plain routes. */
export class AppViewServer implements AsyncDisposable {
  private http?: HttpServer

  constructor(readonly ctx: AppContext) {}

  createApp(): express.Express {
    const xrpc = createXrpcServer([], { errorParser: xrpcErrorParser(this.ctx.logger) })
    registerApi(xrpc, this.ctx)
    const app = express()
    app.disable('x-powered-by')
    app.get('/health', healthHandler(this.ctx))
    const indexer = this.ctx.indexer
    if (indexer) {
      app.get('/metrics', async (_req, res) => {
        res
          .type(indexer.metrics.registry.contentType)
          .send(await indexer.metrics.registry.metrics())
      })
    }
    app.use(xrpc.router)
    return app
  }

  async start(port: number): Promise<number> {
    this.http = this.createApp().listen(port, '0.0.0.0')
    await once(this.http, 'listening')
    return (this.http.address() as AddressInfo).port
  }

  async destroy(): Promise<void> {
    if (!this.http) return
    const http = this.http
    this.http = undefined
    http.closeIdleConnections()
    await new Promise<void>((resolve, reject) =>
      http.close((err) => (err ? reject(err) : resolve())),
    )
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
