import { html, nothing } from 'lit'
import { type ListView, type ProfileBasic, type TagView, type TrackView, xrpc } from '../api.js'
import '../components/track-list.js'
import { artistName, artistPath, count } from '../format.js'
import { listPath, tagPath } from '../links.js'
import { formatTitle } from '../title.js'
import { failure, Page } from './page.js'

type Results = {
  tracks: TrackView[]
  artists: ProfileBasic[]
  albums: ListView[]
  playlists: ListView[]
  tags: TagView[]
}

/** Search as you type: tracks, artists, albums, playlists and tags for `?q=`. */
export class SearchPage extends Page {
  static override properties = {
    ...Page.properties,
    results: { state: true },
    error: { state: true },
  }
  declare results: Results | undefined
  declare error: unknown
  private readonly abort = new AbortController()

  override connectedCallback(): void {
    super.connectedCallback()
    const q = (this.params['?q'] ?? '').trim()
    formatTitle.page(q ? `Search: ${q}` : 'Search')
    if (q) void this.search(q)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    this.abort.abort()
  }

  private async search(q: string): Promise<void> {
    // the page is replaced on each keystroke: a short pause keeps the requests few
    await new Promise((resolve) => setTimeout(resolve, 150))
    if (this.abort.signal.aborted) return
    try {
      this.results = await xrpc<Results>(
        'fm.plyr.search.searchAll',
        { q, limit: 10 },
        this.abort.signal,
      )
    } catch (err) {
      if (!this.abort.signal.aborted) this.error = err
    }
  }

  override render() {
    const q = (this.params['?q'] ?? '').trim()
    if (!q)
      return html`<h1>Search</h1>
        <p class="muted">Type to search tracks, artists, albums, playlists and tags.</p>`
    if (this.error) return failure(this.error, 'search')
    const r = this.results
    if (!r)
      return html`<h1>Search</h1>
        <p class="muted" aria-busy="true">Searching…</p>`
    const none =
      !r.tracks.length &&
      !r.artists.length &&
      !r.albums.length &&
      !r.playlists.length &&
      !r.tags.length
    return html`<h1>Results for “${q}”</h1>
      ${none ? html`<p class="empty">Nothing matches “${q}”.</p>` : nothing}
      ${
        r.tracks.length
          ? html`<h2>Tracks</h2>
              <plyr-track-list .tracks=${r.tracks}></plyr-track-list>`
          : nothing
      }
      ${
        r.artists.length
          ? html`<h2>Artists</h2>
              <ul>
                ${r.artists.map((a) => html`<li><a href=${artistPath(a)}>${artistName(a)}</a> <span class="muted">@${a.handle}</span></li>`)}
              </ul>`
          : nothing
      }
      ${this.renderLists('Albums', r.albums)} ${this.renderLists('Playlists', r.playlists)}
      ${
        r.tags.length
          ? html`<h2>Tags</h2>
              ${r.tags.map(
                (t) =>
                  html`<a class="chip" href=${tagPath(t.name)}
                    >#${t.name} <span class="muted">${t.trackCount}</span></a
                  >`,
              )}`
          : nothing
      }`
  }

  private renderLists(title: string, lists: ListView[]) {
    if (!lists.length) return nothing
    return html`<h2>${title}</h2>
      <ul>
        ${lists.map(
          (l) =>
            html`<li>
              <a href=${listPath(l.uri, l.listType)}>${l.name ?? 'Untitled'}</a>
              <span class="muted"
                >by ${artistName(l.creator)} · ${count(l.itemCount, 'track')}</span
              >
            </li>`,
        )}
      </ul>`
  }
}
customElements.define('plyr-search-page', SearchPage)
