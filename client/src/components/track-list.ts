import { css, html, LitElement, nothing } from 'lit'
import type { TrackView } from '../api.js'
import { artistName, artistPath, count, formatTime, playable, queueTrack } from '../format.js'
import { trackPath } from '../links.js'
import { engine, store } from '../player/index.js'
import { addToQueue, playNext, playTracks } from '../player/queue.js'
import { icon } from './icons.js'
import { shared } from './styles.js'

/**
 * A list of tracks: cover (or a fallback), title, artist, counts and labels, with play,
 * play next and add-to-queue. Playing a track queues the whole list from it. Fires
 * `more` when its "More" button is pressed (the page holds the API cursor).
 */
export class TrackList extends LitElement {
  static override properties = {
    tracks: { attribute: false },
    hasMore: { type: Boolean },
    loading: { type: Boolean },
    empty: {},
  }
  declare tracks: TrackView[]
  declare hasMore: boolean
  declare loading: boolean
  declare empty: string

  constructor() {
    super()
    this.tracks = []
    this.hasMore = false
    this.loading = false
    this.empty = 'No tracks yet.'
  }

  static override styles = [
    shared,
    css`
      ol {
        list-style: none;
        margin: 0;
        padding: 0;
      }
      li {
        display: grid;
        grid-template-columns: auto 3rem minmax(0, 1fr) auto auto;
        gap: 0.75rem;
        align-items: center;
        padding: 0.4rem 0.25rem;
        border-bottom: 1px solid var(--border);
      }
      .cover {
        width: 3rem;
        height: 3rem;
      }
      .names {
        min-width: 0;
      }
      .names a {
        display: block;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .title {
        font-weight: 600;
      }
      .meta {
        color: var(--muted);
        font-size: 0.85rem;
      }
      .actions {
        display: flex;
      }
      .label {
        font-size: 0.75rem;
        border: 1px solid var(--border);
        border-radius: 999px;
        padding: 0 0.4rem;
        margin-left: 0.25rem;
      }
      @media (max-width: 560px) {
        li {
          grid-template-columns: auto 2.5rem minmax(0, 1fr) auto;
          gap: 0.5rem;
        }
        .stats {
          display: none;
        }
        .cover {
          width: 2.5rem;
          height: 2.5rem;
        }
      }
    `,
  ]

  override render() {
    if (this.tracks.length === 0 && !this.loading) return html`<p class="empty">${this.empty}</p>`
    return html`<ol>
        ${this.tracks.map((t, i) => this.renderTrack(t, i))}
      </ol>
      ${
        this.hasMore
          ? html`<button
              class="more"
              ?disabled=${this.loading}
              @click=${() => this.dispatchEvent(new Event('more'))}
            >
              ${this.loading ? 'Loading…' : 'More'}
            </button>`
          : nothing
      }`
  }

  private renderTrack(t: TrackView, i: number) {
    const q = queueTrack(t)
    return html`<li>
      <button
        class="round"
        aria-label=${`Play ${t.title} by ${artistName(t.artist)}`}
        ?disabled=${!q}
        @click=${() => this.play(i)}
      >
        ${icon('play')}
      </button>
      ${
        t.imageUrl
          ? html`<img class="cover" src=${t.imageUrl} alt="" loading="lazy" />`
          : html`<div class="cover" aria-hidden="true"></div>`
      }
      <div class="names">
        <a class="title" href=${trackPath(t.uri)}>${t.title}</a>
        <a class="meta" href=${artistPath(t.artist)}>${artistName(t.artist)}</a>
        ${(t.labels ?? []).map((l) => html`<span class="label">${l.val}</span>`)}
      </div>
      <div class="meta stats">
        ${count(t.playCount, 'play')} · ${count(t.likeCount, 'like')}
        ${t.duration ? html` · ${formatTime(t.duration)}` : nothing}
      </div>
      <div class="actions">
        <button
          class="round"
          aria-label=${`Play ${t.title} next`}
          ?disabled=${!q}
          @click=${() => q && store.update((s) => playNext(s, [q]))}
        >
          ${icon('play-next')}
        </button>
        <button
          class="round"
          aria-label=${`Add ${t.title} to the queue`}
          ?disabled=${!q}
          @click=${() => q && store.update((s) => addToQueue(s, [q]))}
        >
          ${icon('add')}
        </button>
      </div>
    </li>`
  }

  private play(i: number): void {
    const tracks = playable(this.tracks.slice(i))
    const before = playable(this.tracks.slice(0, i))
    store.update((s) => playTracks(s, [...before, ...tracks], before.length))
    engine.playIndex(before.length)
  }
}
customElements.define('plyr-track-list', TrackList)
