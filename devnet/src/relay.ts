import { keepConnectionsAlive } from '@plyr/core'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

/**
 * The dev network's relay, for the one method plyr asks a relay for:
 * `com.atproto.sync.listReposByCollection`, computed from the PDS's repos (each listed with
 * listRepos and probed with listRecords), DIDs in order, paged by the last DID served.
 */
export class DevRelay {
  private constructor(
    private readonly http: Server,
    readonly url: string,
  ) {}

  static async start(opts: { pdsUrl: string; port?: number }): Promise<DevRelay> {
    const http = createServer((req, res) => {
      handle(opts.pdsUrl, req, res).catch((err: unknown) => {
        if (!res.headersSent) send(res, 502, { error: 'UpstreamFailure', message: String(err) })
      })
    })
    keepConnectionsAlive(http).listen(opts.port ?? 0, '127.0.0.1')
    await once(http, 'listening')
    return new DevRelay(http, `http://127.0.0.1:${(http.address() as AddressInfo).port}`)
  }

  async destroy(): Promise<void> {
    this.http.closeAllConnections()
    await new Promise((resolve) => this.http.close(resolve))
  }
}

async function handle(pdsUrl: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://relay')
  if (url.pathname !== '/xrpc/com.atproto.sync.listReposByCollection') {
    return send(res, 501, { error: 'MethodNotImplemented', message: url.pathname })
  }
  const collection = url.searchParams.get('collection')
  const limit = Math.min(2000, Math.max(1, Number(url.searchParams.get('limit') ?? 500) || 500))
  const after = url.searchParams.get('cursor') ?? ''
  if (!collection) return send(res, 400, { error: 'InvalidRequest', message: 'collection' })
  const holding: string[] = []
  for (const did of (await pdsRepos(pdsUrl)).sort()) {
    if (did <= after) continue
    const probe = new URL('/xrpc/com.atproto.repo.listRecords', pdsUrl)
    probe.search = new URLSearchParams({ repo: did, collection, limit: '1' }).toString()
    const body = (await (await fetch(probe)).json()) as { records?: unknown[] }
    if (body.records?.length) holding.push(did)
    if (holding.length === limit) break
  }
  send(res, 200, {
    repos: holding.map((did) => ({ did })),
    ...(holding.length === limit ? { cursor: holding.at(-1) } : {}),
  })
}

async function pdsRepos(pdsUrl: string): Promise<string[]> {
  const dids: string[] = []
  let cursor: string | undefined
  do {
    const page = new URL('/xrpc/com.atproto.sync.listRepos', pdsUrl)
    page.search = new URLSearchParams({ limit: '1000', ...(cursor ? { cursor } : {}) }).toString()
    const body = (await (await fetch(page)).json()) as {
      repos: { did: string }[]
      cursor?: string
    }
    dids.push(...body.repos.map((r) => r.did))
    cursor = body.repos.length > 0 ? body.cursor : undefined
  } while (cursor)
  return dids
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}
