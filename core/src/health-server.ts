import { keepConnectionsAlive } from './keep-alive.js'
import { once } from 'node:events'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { databaseHealth, healthAnswer, type IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import { Registry } from 'prom-client'

/**
 * A part of plyr running in a process (the indexer, the media worker, ...): the process's
 * `/health` reports its health under its name, its `/metrics` serves its registry.
 */
export type ProcessPart = {
  name: string
  health(): { degraded: boolean }
  metrics?: Registry
}

export type HealthServerOptions = {
  /** what the process is called in a 404's message ("the indexer") */
  service: string
  db: Kysely<IndexSchema>
  parts: ProcessPart[]
  /** 0 picks a free one */
  port: number
  logger: Logger
}

const json = 'application/json; charset=utf-8'

/**
 * The HTTP side of a plyr service that serves no other HTTP (the indexer or the media
 * worker run alone), in the shapes the AppView uses: `GET /health` is
 * `{status, database, <part>: {...}}`, 200 while the database answers ("degraded" when a
 * part is), 503 "down" when it does not; `GET /metrics` is its parts' Prometheus
 * registries, merged.
 */
export class HealthServer implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` on every interface. */
  static async start({ service, db, parts, port, logger }: HealthServerOptions) {
    const registries = parts.flatMap((p) => (p.metrics ? [p.metrics] : []))
    const metrics = registries.length > 0 ? Registry.merge(registries) : new Registry()
    const send = (res: ServerResponse, status: number, type: string, body: string) =>
      res.writeHead(status, { 'content-type': type }).end(body)
    const answer = (res: ServerResponse, what: string, work: Promise<[number, string, string]>) =>
      void work.then(
        ([status, type, body]) => send(res, status, type, body),
        (err: unknown) => {
          logger.error({ err }, `${what} failed`)
          send(res, 500, json, '{"error":"internal error"}')
        },
      )
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://service').pathname
      if (req.method !== 'GET') return send(res, 405, json, '{"error":"GET only"}')
      if (path === '/health') {
        answer(res, 'health', health(db, parts))
      } else if (path === '/metrics') {
        answer(
          res,
          'metrics',
          metrics.metrics().then((text) => [200, metrics.contentType, text]),
        )
      } else {
        const error = `not found: ${service} serves /health and /metrics`
        send(res, 404, json, JSON.stringify({ error }))
      }
    })
    keepConnectionsAlive(server).listen(port, '0.0.0.0')
    await once(server, 'listening')
    return new HealthServer(server, (server.address() as AddressInfo).port)
  }

  async destroy(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

async function health(
  db: Kysely<IndexSchema>,
  parts: ProcessPart[],
): Promise<[number, string, string]> {
  const { httpStatus, body } = healthAnswer(
    await databaseHealth(db),
    Object.fromEntries(parts.map((p) => [p.name, p.health()])),
  )
  return [httpStatus, json, JSON.stringify(body)]
}
