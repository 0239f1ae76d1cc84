import { html, LitElement } from 'lit'
import { ApiError } from '../api.js'
import { shared } from '../components/styles.js'

/** A page's message for a failed request: not-found answers and outages read differently. */
export function failure(err: unknown, what: string) {
  if (err instanceof ApiError && err.status === 400 && /NotFound$/.test(err.error)) {
    return html`<p class="error" role="alert">
      This ${what} does not exist or is no longer available.
    </p>`
  }
  if (err instanceof ApiError && /TakenDown$/.test(err.error)) {
    return html`<p class="error" role="alert">This ${what} was taken down.</p>`
  }
  return html`<p class="error" role="alert">
    Could not load this ${what}: ${err instanceof Error ? err.message : 'unknown error'}.
  </p>`
}

/** What every routed page shares: its path parameters and the shared styles. */
export class Page extends LitElement {
  static override properties = { params: { attribute: false } }
  declare params: Record<string, string>
  static override styles = [shared]

  constructor() {
    super()
    this.params = {}
  }
}

/** One paged list from the API: its items, cursor, and whether a page is loading or failed. */
export class Paged<T> {
  items: T[] = []
  cursor: string | undefined
  loading = false
  error: unknown = null
  private generation = 0

  constructor(
    private readonly host: LitElement,
    private readonly fetchPage: (cursor?: string) => Promise<{ items: T[]; cursor?: string }>,
  ) {}

  /** Starts over from the first page (a new parameter). */
  async reset(): Promise<void> {
    this.generation += 1
    this.items = []
    this.cursor = undefined
    await this.more(true)
  }

  async more(first = false): Promise<void> {
    if (this.loading && !first) return
    const generation = this.generation
    this.loading = true
    this.error = null
    this.host.requestUpdate()
    try {
      const page = await this.fetchPage(first ? undefined : this.cursor)
      if (generation !== this.generation) return
      this.items = [...this.items, ...page.items]
      this.cursor = page.items.length > 0 ? page.cursor : undefined
    } catch (err) {
      if (generation !== this.generation) return
      this.error = err
    } finally {
      if (generation === this.generation) {
        this.loading = false
        this.host.requestUpdate()
      }
    }
  }
}
