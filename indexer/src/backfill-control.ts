import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { isValidDid } from '@atproto/syntax'
import type { ControlAddress } from '@plyr/db'
import type { Logger } from 'pino'
import type { Backfiller } from './backfill.js'
import type { RequestProgress } from './store/backfill-queue.js'

/** The most DIDs one request may name (a network-wide listing included). */
const MAX_DIDS = 1_000_000
const MAX_BODY_BYTES = 64 * 1024 * 1024

class BadRequest extends Error {}

/**
 * Where `npm run backfill` hands its work to the process that owns an embedded database
 * (a second process may not open it). Listens on 127.0.0.1 only, on a free port, and
 * answers only requests bearing its token, a random secret it advertises in the data
 * folder's lock file (mode 0600, so only the user running plyr can read it).
 *
 * - `POST /backfill {"dids": [...]}`: queues the repos (fetched again even if done), 202;
 * - `POST /backfill/progress {"dids": [...]}`: how far they have come.
 */
export class BackfillControl implements AsyncDisposable {
  private constructor(
    private readonly server: Server,
    readonly address: ControlAddress,
  ) {}

  static async start(backfiller: Backfiller, logger: Logger): Promise<BackfillControl> {
    const token = randomBytes(32).toString('base64url')
    const expected = digest(`Bearer ${token}`)
    const server = createServer((req, res) => {
      void handle(req, res).catch((err: unknown) => {
        const bad = err instanceof BadRequest
        if (!bad) logger.error({ err }, 'backfill control: request failed')
        reply(res, bad ? 400 : 500, { error: bad ? err.message : 'internal error' })
      })
    })
    const handle = async (req: IncomingMessage, res: ServerResponse) => {
      if (!timingSafeEqual(digest(req.headers.authorization ?? ''), expected)) {
        return reply(res, 401, { error: 'a valid token is required' })
      }
      if (req.method !== 'POST') return reply(res, 405, { error: 'POST only' })
      if (req.url === '/backfill') {
        const dids = await readDids(req)
        await backfiller.request(dids)
        logger.info({ repos: dids.length }, 'backfill requested by npm run backfill')
        return reply(res, 202, { queued: dids.length })
      }
      if (req.url === '/backfill/progress') {
        return reply(res, 200, await backfiller.requestProgress(await readDids(req)))
      }
      reply(res, 404, { error: 'not found' })
    }
    server.listen(0, '127.0.0.1')
    await once(server, 'listening')
    const { port } = server.address() as AddressInfo
    return new BackfillControl(server, { url: `http://127.0.0.1:${port}`, token })
  }

  async destroy(): Promise<void> {
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server.close(() => resolve()))
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

/** The side of `npm run backfill`: requests to the process that owns the database. */
export class BackfillControlClient {
  constructor(private readonly address: ControlAddress) {}

  async request(dids: string[]): Promise<void> {
    await this.post('/backfill', dids)
  }

  progress(dids: string[]): Promise<RequestProgress> {
    return this.post('/backfill/progress', dids) as Promise<RequestProgress>
  }

  private async post(path: string, dids: string[]): Promise<unknown> {
    const res = await fetch(new URL(path, this.address.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${this.address.token}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ dids }),
      redirect: 'error',
    })
    const body = (await res.json()) as { error?: string }
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${body.error ?? ''}`)
    return body
  }
}

const digest = (text: string) => createHash('sha256').update(text).digest()

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
}

/** The body's `dids`: a JSON array of valid DIDs, bounded in size. */
async function readDids(req: IncomingMessage): Promise<string[]> {
  let size = 0
  const chunks: Buffer[] = []
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > MAX_BODY_BYTES) throw new BadRequest('body too large')
    chunks.push(chunk)
  }
  let body: unknown
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new BadRequest('body is not JSON')
  }
  const dids = (body as { dids?: unknown } | null)?.dids
  if (!Array.isArray(dids) || dids.length > MAX_DIDS) {
    throw new BadRequest(`dids must be an array of at most ${MAX_DIDS} DIDs`)
  }
  for (const did of dids) {
    if (typeof did !== 'string' || !isValidDid(did))
      throw new BadRequest(`not a DID: ${String(did).slice(0, 100)}`)
  }
  return dids as string[]
}
