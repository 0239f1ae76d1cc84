import { once } from 'node:events'
import { createServer, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { databaseHealth, healthAnswer, type IndexSchema } from '@plyr/db'
import type { Kysely } from 'kysely'
import type { Logger } from 'pino'
import type { Indexer } from './indexer.js'

/**
 * The HTTP side of the indexer run alone (`npm run start:indexer`), in the shapes the
 * AppView uses for a part it runs: `GET /health` is `{status, database, indexer}`, 200
 * while the database answers ("degraded" when the indexer is), 503 "down" when it does not;
 * `GET /metrics` is the indexer's Prometheus registry.
 */
export class IndexerHttpServer implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  /** Listens on `port` (0 picks a free one) on every interface. */
  static async start(
    indexer: Indexer,
    db: Kysely<IndexSchema>,
    port: number,
    logger: Logger,
  ): Promise<IndexerHttpServer> {
    const send = (res: ServerResponse, status: number, type: string, body: string) =>
      res.writeHead(status, { 'content-type': type }).end(body)
    const json = 'application/json; charset=utf-8'
    const server = createServer((req, res) => {
      const path = new URL(req.url ?? '/', 'http://indexer').pathname
      if (req.method !== 'GET') return send(res, 405, json, '{"error":"GET only"}')
      if (path === '/health') {
        void health(indexer, db).then(
          ({ status, body }) => send(res, status, json, JSON.stringify(body)),
          (err: unknown) => {
            logger.error({ err }, 'health failed')
            send(res, 500, json, '{"error":"internal error"}')
          },
        )
      } else if (path === '/metrics') {
        const { registry } = indexer.metrics
        void registry.metrics().then(
          (text) => send(res, 200, registry.contentType, text),
          (err: unknown) => {
            logger.error({ err }, 'metrics failed')
            send(res, 500, json, '{"error":"internal error"}')
          },
        )
      } else {
        send(res, 404, json, '{"error":"not found: the indexer serves /health and /metrics"}')
      }
    })
    server.listen(port, '0.0.0.0')
    await once(server, 'listening')
    return new IndexerHttpServer(server, (server.address() as AddressInfo).port)
  }

  async destroy(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

async function health(indexer: Indexer, db: Kysely<IndexSchema>) {
  const { httpStatus, body } = healthAnswer(await databaseHealth(db), {
    indexer: indexer.health(),
  })
  return { status: httpStatus, body }
}
