import { type l, lexToJson } from '@atproto/lex'

type Page = {
  /** The newest page built, and when its build started (its data is at least that fresh). */
  body?: Buffer
  builtAt: number
  /** The build under way, which every request without a fresh page waits for. */
  building?: Promise<Buffer>
}

/**
 * Serialized responses that are the same for every anonymous reader (the public feed's
 * pages), each built at most once per `ttlMs` however many requests ask. A page older than
 * `ttlMs` is rebuilt in the background while requests still get it, so no request waits
 * for a rebuild; a page older than twice `ttlMs` is never served. Requests that find no
 * page share one build. A failed build is not kept. `ttlMs` 0 turns the cache off.
 * Holds at most `maxPages` (a 50-track page is some 60 kB), dropping the oldest first.
 * Nothing in it is needed by another replica: it only spares this one repeating the same
 * queries.
 */
export class PageCache {
  private readonly pages = new Map<string, Page>()

  constructor(
    private readonly ttlMs: number,
    private readonly maxPages = 200,
  ) {}

  async get(key: string, build: () => Promise<Buffer>): Promise<Buffer> {
    if (this.ttlMs <= 0) return build()
    const now = Date.now()
    let page = this.pages.get(key)
    if (page?.body && now - page.builtAt < this.ttlMs) return page.body
    if (!page) {
      if (this.pages.size >= this.maxPages) this.pages.delete(this.pages.keys().next().value!)
      page = { builtAt: now }
      this.pages.set(key, page)
    }
    if (!page.building) page.building = this.rebuild(key, page, build, now)
    if (page.body && now - page.builtAt < 2 * this.ttlMs) {
      // the rebuild's failure, if any, reaches the requests that find no page to serve
      page.building.catch(() => {})
      return page.body
    }
    return page.building
  }

  private async rebuild(key: string, page: Page, build: () => Promise<Buffer>, startedAt: number) {
    try {
      const body = await build()
      Object.assign(page, { body, builtAt: startedAt })
      return body
    } catch (err) {
      if (!page.body) this.pages.delete(key)
      throw err
    } finally {
      page.building = undefined
    }
  }
}

/**
 * A query's output as JSON bytes, validated against the method's output schema first, as
 * xrpc-server does for bodies it serializes itself.
 */
export function serializeOutput(method: l.Query, body: unknown): Buffer {
  method.output.schema?.validate(body)
  return Buffer.from(JSON.stringify(lexToJson(body as Parameters<typeof lexToJson>[0])))
}
