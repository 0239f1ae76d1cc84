import { once } from 'node:events'
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import express from 'express'
import { createServer as createXrpcServer, type Server as XrpcServer } from '@atproto/xrpc-server'
import { keepConnectionsAlive, plainErrorHandler, xrpcErrorParser } from '@plyr/core'
import type { Logger } from 'pino'

/**
 * An HTTP server for XRPC methods (and plain routes), with WebSocket upgrades routed to
 * the XRPC server's subscriptions by hand: xrpc-server only wires them up when it creates
 * the HTTP server itself. Errors are answered as every plyr server answers them (a
 * database away: 503 `DatabaseUnavailable`).
 */
export class LabelerHttp {
  readonly xrpc: XrpcServer
  readonly app = express()
  private http?: HttpServer

  constructor(private readonly logger: Logger) {
    this.xrpc = createXrpcServer([], { errorParser: xrpcErrorParser(logger) })
    this.app.disable('x-powered-by')
  }

  /** Listens on `port` (0 picks a free one) and returns the port. */
  async start(port: number): Promise<number> {
    this.app.use(this.xrpc.router)
    this.app.use(plainErrorHandler(this.logger))
    const http = keepConnectionsAlive(createServer(this.app))
    http.on('upgrade', (req, socket, head) => {
      const nsid = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/xrpc\//, '')
      const sub = this.xrpc.subscriptions.get(nsid)
      if (!sub) return socket.destroy()
      sub.wss.handleUpgrade(req, socket, head, (ws) => sub.wss.emit('connection', ws, req))
    })
    this.http = http
    http.listen(port, '0.0.0.0')
    await once(http, 'listening')
    return (http.address() as AddressInfo).port
  }

  async destroy(): Promise<void> {
    const http = this.http
    if (!http) return
    this.http = undefined
    for (const sub of this.xrpc.subscriptions.values()) {
      for (const ws of sub.wss.clients) ws.terminate()
    }
    http.closeAllConnections()
    await new Promise<void>((resolve, reject) =>
      http.close((err) => (err ? reject(err) : resolve())),
    )
  }
}
