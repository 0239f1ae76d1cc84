import { html } from 'lit'
import { type TrackPage, xrpc } from '../api.js'
import '../components/track-list.js'
import { formatTitle } from '../title.js'
import { failure, Page, Paged } from './page.js'

/** The newest tracks carrying a tag. */
export class TagPage extends Page {
  private readonly tracks = new Paged(this, async (cursor) => {
    const params = { tag: this.params.tag, limit: 20, cursor }
    const page = await xrpc<TrackPage>('fm.plyr.feed.getLatestTracks', params)
    return { items: page.tracks, cursor: page.cursor }
  })

  override connectedCallback(): void {
    super.connectedCallback()
    formatTitle.page(`#${this.params.tag}`)
    void this.tracks.reset()
  }

  override render() {
    return html`<h1>#${this.params.tag}</h1>
      ${
        this.tracks.error
          ? failure(this.tracks.error, 'tag')
          : html`<plyr-track-list
              .tracks=${this.tracks.items}
              ?loading=${this.tracks.loading}
              ?hasMore=${!!this.tracks.cursor}
              empty="No tracks carry this tag."
              @more=${() => this.tracks.more()}
            ></plyr-track-list>`
      }`
  }
}
customElements.define('plyr-tag-page', TagPage)
