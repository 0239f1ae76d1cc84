import { once } from 'node:events'
import { connect, createServer, type Server, type Socket } from 'node:net'

/** Postgres wire messages that start a statement: Query (simple), Parse (extended). */
const STATEMENT_START = new Set(['Q'.charCodeAt(0), 'P'.charCodeAt(0)])

/**
 * A TCP proxy on loopback to `target`, which a test can cut: every connection through it
 * is destroyed at the moment a client has just sent a statement, so that statement is in
 * flight and never answered. New connections keep being accepted.
 */
export class TcpProxy implements AsyncDisposable {
  private readonly pairs = new Set<{ client: Socket; upstream: Socket }>()
  private cutRequested?: () => void

  private constructor(
    private readonly server: Server,
    readonly port: number,
  ) {}

  static async start(targetPort: number): Promise<TcpProxy> {
    const server = createServer()
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const proxy = new TcpProxy(server, (server.address() as { port: number }).port)
    server.on('connection', (client) => proxy.forward(client, targetPort))
    return proxy
  }

  /** Resolves once every connection was cut with a statement in flight on one of them. */
  cutMidStatement(): Promise<number> {
    return new Promise((resolve) => {
      this.cutRequested = () => {
        this.cutRequested = undefined
        const cut = this.pairs.size
        for (const { client, upstream } of this.pairs) {
          client.destroy()
          upstream.destroy()
        }
        this.pairs.clear()
        resolve(cut)
      }
    })
  }

  private forward(client: Socket, targetPort: number): void {
    const upstream = connect(targetPort, '127.0.0.1')
    const pair = { client, upstream }
    this.pairs.add(pair)
    let answered = false
    const end = () => {
      this.pairs.delete(pair)
      client.destroy()
      upstream.destroy()
    }
    client.on('error', end)
    upstream.on('error', end)
    client.on('close', end)
    upstream.on('close', end)
    upstream.on('data', (chunk) => {
      answered = true
      if (!client.write(chunk)) upstream.pause()
    })
    client.on('drain', () => upstream.resume())
    upstream.on('drain', () => client.resume())
    client.on('data', (chunk) => {
      const flushed = upstream.write(chunk, () => {
        // the statement reached the server: cut before its answer can come back
        if (answered && STATEMENT_START.has(chunk[0]!)) this.cutRequested?.()
      })
      if (!flushed) client.pause()
    })
  }

  async destroy(): Promise<void> {
    for (const { client, upstream } of this.pairs) {
      client.destroy()
      upstream.destroy()
    }
    this.pairs.clear()
    await new Promise((resolve) => this.server.close(resolve))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}
