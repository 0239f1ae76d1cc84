import { html, nothing } from 'lit'
import { type TagView, type TrackPage, xrpc } from '../api.js'
import '../components/track-list.js'
import { tagPath } from '../links.js'
import { formatTitle } from '../title.js'
import { failure, Page, Paged } from './page.js'

const PERIODS = [
  ['day', 'Today'],
  ['week', 'This week'],
  ['month', 'This month'],
  ['all', 'All time'],
] as const
type Period = (typeof PERIODS)[number][0]

/** Home: tag chips, the newest tracks and the top tracks of a period. */
export class HomePage extends Page {
  static override properties = { ...Page.properties, period: { state: true } }
  declare period: Period
  private readonly latest = new Paged(this, async (cursor) => {
    const page = await xrpc<TrackPage>('fm.plyr.feed.getLatestTracks', { limit: 20, cursor })
    return { items: page.tracks, cursor: page.cursor }
  })
  private readonly top = new Paged(this, async (cursor) => {
    const params = { period: this.period, limit: 10, cursor }
    const page = await xrpc<TrackPage>('fm.plyr.feed.getTopTracks', params)
    return { items: page.tracks, cursor: page.cursor }
  })
  private readonly tags = new Paged(this, async () => {
    const page = await xrpc<{ tags: TagView[] }>('fm.plyr.feed.getTags', { limit: 20 })
    return { items: page.tags }
  })

  constructor() {
    super()
    this.period = 'week'
  }

  override connectedCallback(): void {
    super.connectedCallback()
    formatTitle.page(null)
    void this.latest.reset()
    void this.top.reset()
    void this.tags.reset()
  }

  private setPeriod(period: Period): void {
    this.period = period
    void this.top.reset()
  }

  override render() {
    return html`
      <h1>Listen</h1>
      ${
        this.tags.items.length
          ? html`<nav aria-label="Tags">
              ${this.tags.items.map(
                (t) =>
                  html`<a class="chip" href=${tagPath(t.name)}
                    >#${t.name} <span class="muted">${t.trackCount}</span></a
                  >`,
              )}
            </nav>`
          : nothing
      }
      <h2 id="top">Top tracks</h2>
      <div role="group" aria-labelledby="top">
        ${PERIODS.map(
          ([value, label]) =>
            html`<button
              class="chip"
              aria-pressed=${this.period === value}
              @click=${() => this.setPeriod(value)}
            >
              ${label}
            </button>`,
        )}
      </div>
      ${
        this.top.error
          ? failure(this.top.error, 'list')
          : html`<plyr-track-list
              .tracks=${this.top.items}
              ?loading=${this.top.loading}
              ?hasMore=${!!this.top.cursor}
              empty="No liked tracks in this period yet."
              @more=${() => this.top.more()}
            ></plyr-track-list>`
      }
      <h2>Newest</h2>
      ${
        this.latest.error
          ? failure(this.latest.error, 'list')
          : html`<plyr-track-list
              .tracks=${this.latest.items}
              ?loading=${this.latest.loading}
              ?hasMore=${!!this.latest.cursor}
              empty="No tracks yet."
              @more=${() => this.latest.more()}
            ></plyr-track-list>`
      }
    `
  }
}
customElements.define('plyr-home-page', HomePage)
