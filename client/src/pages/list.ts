import { html } from 'lit'
import { atUri, type ListView, type TrackView, xrpc } from '../api.js'
import '../components/track-list.js'
import { artistName, artistPath, count, playable } from '../format.js'
import { engine, store } from '../player/index.js'
import { playTracks } from '../player/queue.js'
import { formatTitle } from '../title.js'
import { failure, Page } from './page.js'

/** An album or a playlist with its tracks in order. */
export class ListPage extends Page {
  static override properties = {
    ...Page.properties,
    list: { state: true },
    tracks: { state: true },
    error: { state: true },
  }
  declare list: ListView | undefined
  declare tracks: TrackView[]
  declare error: unknown

  constructor() {
    super()
    this.tracks = []
  }

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    const kind = this.params.kind!
    try {
      const uri = atUri(this.params.did!, 'list', this.params.rkey!)
      const page = await xrpc<{ list: ListView; tracks: TrackView[] }>('fm.plyr.feed.getList', {
        uri,
      })
      if (page.list.listType !== kind)
        throw new Error(`this is not ${kind === 'album' ? 'an album' : 'a playlist'}`)
      this.list = page.list
      this.tracks = page.tracks
      formatTitle.page(page.list.name ?? `Untitled ${kind}`)
    } catch (err) {
      this.error = err
      formatTitle.page(`${kind === 'album' ? 'Album' : 'Playlist'} not found`)
    }
  }

  override render() {
    const kind = this.params.kind === 'album' ? 'album' : 'playlist'
    if (this.error) return failure(this.error, kind)
    const l = this.list
    if (!l) return html`<p class="muted" aria-busy="true">Loading…</p>`
    const tracks = playable(this.tracks)
    return html`
      <p class="muted">${kind === 'album' ? 'Album' : 'Playlist'}</p>
      <h1>${l.name ?? `Untitled ${kind}`}</h1>
      <p>
        by <a href=${artistPath(l.creator)}>${artistName(l.creator)}</a> ·
        ${count(l.itemCount, 'track')}
      </p>
      <button
        class="chip"
        ?disabled=${tracks.length === 0}
        @click=${() => {
          store.update((s) => playTracks(s, tracks))
          engine.playIndex(0)
        }}
      >
        Play all
      </button>
      <plyr-track-list .tracks=${this.tracks} empty="This ${kind} is empty."></plyr-track-list>
    `
  }
}
customElements.define('plyr-list-page', ListPage)
