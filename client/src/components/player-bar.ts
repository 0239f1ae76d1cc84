import { css, html, LitElement, nothing } from 'lit'
import { artistPath, formatTime } from '../format.js'
import { engine, store } from '../player/index.js'
import { loadPeaks } from '../player/peaks.js'
import {
  clearQueue,
  currentTrack,
  moveEntry,
  type QueueTrack,
  removeEntry,
  type Repeat,
  setShuffle,
} from '../player/queue.js'
import { trackPath } from '../links.js'
import { icon } from './icons.js'
import './seek-bar.js'

const NEXT_REPEAT: Record<Repeat, Repeat> = { off: 'all', all: 'one', one: 'off' }

/**
 * The player bar at the bottom of every page, with the queue above it when open. It lives
 * outside the routed page, so navigating never interrupts playback.
 */
export class PlayerBar extends LitElement {
  static override properties = {
    queueOpen: { state: true },
    notice: { state: true },
    peaks: { state: true },
  }
  declare queueOpen: boolean
  declare notice: string
  declare peaks: number[] | null
  private peaksFor: string | undefined
  private noticeTimer: ReturnType<typeof setTimeout> | undefined
  private dragFrom = -1

  constructor() {
    super()
    this.queueOpen = false
    this.notice = ''
    this.peaks = null
  }

  override connectedCallback(): void {
    super.connectedCallback()
    store.addEventListener('change', this.refresh)
    engine.addEventListener('tick', this.refresh)
    engine.addEventListener('notice', this.onNotice)
    document.addEventListener('keydown', this.onKey)
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    store.removeEventListener('change', this.refresh)
    engine.removeEventListener('tick', this.refresh)
    engine.removeEventListener('notice', this.onNotice)
    document.removeEventListener('keydown', this.onKey)
  }

  private readonly refresh = () => {
    const track = currentTrack(store.state)
    if (track?.peaksUrl !== this.peaksFor) {
      this.peaksFor = track?.peaksUrl
      this.peaks = null
      void loadPeaks(track?.peaksUrl).then((p) => {
        if (this.peaksFor === track?.peaksUrl) this.peaks = p
      })
    }
    this.requestUpdate()
  }

  private readonly onNotice = (e: Event) => {
    this.notice = (e as CustomEvent<string>).detail
    clearTimeout(this.noticeTimer)
    this.noticeTimer = setTimeout(() => (this.notice = ''), 8000)
  }

  /** Space, arrows, n and p, unless the listener is typing or on a control that uses them. */
  private readonly onKey = (e: KeyboardEvent) => {
    if (e.ctrlKey || e.metaKey || e.altKey) return
    const target = e.composedPath()[0] as HTMLElement | undefined
    const tag = target?.tagName
    if (tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target?.isContentEditable) {
      return
    }
    const onControl = tag === 'BUTTON' || tag === 'A' || target?.getAttribute('role') === 'slider'
    const s = store.state
    switch (e.key) {
      case ' ':
        if (onControl) return
        engine.toggle()
        break
      case 'ArrowRight':
        engine.seek(engine.position + 5)
        break
      case 'ArrowLeft':
        engine.seek(engine.position - 5)
        break
      case 'ArrowUp':
        store.update((st) => ({ ...st, volume: Math.min(1, st.volume + 0.05), muted: false }))
        break
      case 'ArrowDown':
        store.update((st) => ({ ...st, volume: Math.max(0, st.volume - 0.05) }))
        break
      case 'n':
        engine.next()
        break
      case 'p':
        engine.previous()
        break
      default:
        return
    }
    if (s.entries.length || e.key === ' ') e.preventDefault()
  }

  static override styles = css`
    :host {
      display: block;
      background: var(--surface);
      border-top: 1px solid var(--border);
      color: var(--text);
    }
    button {
      font: inherit;
      color: inherit;
      background: none;
      border: 0;
      border-radius: 50%;
      width: 2.5rem;
      height: 2.5rem;
      display: inline-grid;
      place-items: center;
      cursor: pointer;
      flex: none;
    }
    button:hover {
      background: var(--hover);
    }
    button:focus-visible,
    input:focus-visible,
    a:focus-visible {
      outline: 2px solid var(--focus);
      outline-offset: 2px;
    }
    button[aria-pressed='true'] {
      color: var(--accent);
    }
    button:disabled {
      opacity: 0.4;
      cursor: default;
    }
    .play {
      background: var(--accent);
      color: var(--on-accent);
    }
    .play:hover {
      background: var(--accent);
      filter: brightness(1.1);
    }
    .bar {
      display: grid;
      grid-template-columns: minmax(0, 16rem) auto minmax(0, 1fr) auto;
      gap: 0.75rem;
      align-items: center;
      padding: 0.5rem 1rem;
    }
    .now {
      display: flex;
      gap: 0.6rem;
      align-items: center;
      min-width: 0;
    }
    .cover {
      width: 2.75rem;
      height: 2.75rem;
      border-radius: 4px;
      background: var(--cover-fallback);
      object-fit: cover;
      flex: none;
    }
    .names {
      min-width: 0;
      line-height: 1.3;
    }
    .names a {
      color: inherit;
      text-decoration: none;
      display: block;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .names .artist {
      color: var(--muted);
      font-size: 0.875rem;
    }
    .controls,
    .extra {
      display: flex;
      align-items: center;
      gap: 0.15rem;
    }
    .seek {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      font-variant-numeric: tabular-nums;
      font-size: 0.8rem;
      color: var(--muted);
    }
    .seek plyr-seek-bar {
      flex: 1;
      min-width: 4rem;
    }
    input[type='range'] {
      width: 6rem;
      accent-color: var(--accent);
    }
    .notice {
      padding: 0.4rem 1rem;
      background: var(--notice);
      color: var(--on-notice);
      font-size: 0.9rem;
    }
    .queue {
      max-height: 45vh;
      overflow: auto;
      border-bottom: 1px solid var(--border);
      padding: 0.5rem 1rem;
    }
    .queue h2 {
      font-size: 1rem;
      margin: 0.25rem 0 0.5rem;
      display: flex;
      align-items: center;
      gap: 0.5rem;
    }
    .queue h2 span {
      flex: 1;
    }
    .queue ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    .queue li {
      display: flex;
      align-items: center;
      gap: 0.5rem;
      padding: 0.15rem 0.25rem;
      border-radius: 4px;
    }
    .queue li[aria-current='true'] {
      background: var(--hover);
      font-weight: 600;
    }
    .queue li .title {
      flex: 1;
      min-width: 0;
      white-space: nowrap;
      overflow: hidden;
      text-overflow: ellipsis;
    }
    .queue li .title button {
      width: auto;
      height: auto;
      border-radius: 4px;
      padding: 0.25rem;
      text-align: left;
      max-width: 100%;
      overflow: hidden;
      text-overflow: ellipsis;
      display: block;
    }
    .grip {
      cursor: grab;
      color: var(--muted);
    }
    .text-button {
      width: auto;
      border-radius: 999px;
      padding: 0 0.75rem;
      height: 2rem;
      border: 1px solid var(--border);
    }
    @media (max-width: 720px) {
      .bar {
        grid-template-columns: minmax(0, 1fr) auto;
        gap: 0.25rem 0.5rem;
        padding: 0.4rem 0.5rem;
      }
      .seek {
        grid-column: 1 / -1;
        grid-row: 1;
      }
      .extra .volume,
      .extra .optional {
        display: none;
      }
      .extra {
        grid-column: 1 / -1;
        justify-content: center;
      }
    }
  `

  override render() {
    const s = store.state
    const track = currentTrack(s)
    const playing = store.playing
    const duration = engine.duration || track?.duration || 0
    return html`
      ${this.queueOpen ? this.renderQueue() : nothing}
      ${this.notice ? html`<div class="notice" role="status">${this.notice}</div>` : nothing}
      <div class="bar" role="region" aria-label="Player">
        <div class="now">
          ${
            track?.imageUrl
              ? html`<img class="cover" src=${track.imageUrl} alt="" />`
              : html`<div class="cover" aria-hidden="true"></div>`
          }
          <div class="names">
            ${
              track
                ? html`<a href=${trackPath(track.uri)}>${track.title}</a>
                    <a
                      class="artist"
                      href=${artistPath({ did: track.artistDid, handle: track.artistHandle })}
                      >${track.artistName}</a
                    >`
                : html`<span class="artist">Nothing playing</span>`
            }
          </div>
        </div>
        <div class="controls">
          <button aria-label="Previous" ?disabled=${!track} @click=${() => engine.previous()}>
            ${icon('previous')}
          </button>
          <button
            class="play"
            aria-label=${playing ? 'Pause' : 'Play'}
            ?disabled=${!track}
            @click=${() => engine.toggle()}
          >
            ${icon(playing ? 'pause' : 'play')}
          </button>
          <button aria-label="Next" ?disabled=${!track} @click=${() => engine.next()}>
            ${icon('next')}
          </button>
        </div>
        <div class="seek">
          <span>${formatTime(track ? s.position : 0)}</span>
          <plyr-seek-bar
            label="Seek"
            .position=${track ? s.position : 0}
            .duration=${duration}
            .peaks=${this.peaks}
            @seek=${(e: CustomEvent<number>) => engine.seek(e.detail)}
          ></plyr-seek-bar>
          <span>${formatTime(duration)}</span>
        </div>
        <div class="extra">
          <button
            aria-label=${s.muted ? 'Unmute' : 'Mute'}
            aria-pressed=${s.muted}
            @click=${() => store.update((st) => ({ ...st, muted: !st.muted }))}
          >
            ${icon(s.muted || s.volume === 0 ? 'muted' : 'volume')}
          </button>
          <input
            class="volume"
            type="range"
            min="0"
            max="1"
            step="0.01"
            aria-label="Volume"
            .value=${String(s.volume)}
            @input=${(e: Event) => {
              const volume = Number((e.target as HTMLInputElement).value)
              store.update((st) => ({ ...st, volume, muted: false }))
            }}
          />
          <button
            class="optional"
            aria-label="Loudness normalisation"
            title="Loudness normalisation"
            aria-pressed=${s.normalize}
            @click=${() => store.update((st) => ({ ...st, normalize: !st.normalize }))}
          >
            ${icon('normalize')}
          </button>
          <button
            aria-label="Shuffle"
            aria-pressed=${s.shuffle}
            @click=${() => store.update((st) => setShuffle(st, !st.shuffle))}
          >
            ${icon('shuffle')}
          </button>
          <button
            aria-label=${`Repeat: ${s.repeat}`}
            aria-pressed=${s.repeat !== 'off'}
            @click=${() => store.update((st) => ({ ...st, repeat: NEXT_REPEAT[st.repeat] }))}
          >
            ${icon(s.repeat === 'one' ? 'repeat-one' : 'repeat')}
          </button>
          <button
            aria-label="Queue"
            aria-expanded=${this.queueOpen}
            @click=${() => (this.queueOpen = !this.queueOpen)}
          >
            ${icon('queue')}
          </button>
        </div>
      </div>
    `
  }

  private renderQueue() {
    const s = store.state
    return html`<section class="queue" aria-label="Queue">
      <h2>
        <span>Queue · ${s.entries.length}</span>
        <button
          class="text-button"
          ?disabled=${s.entries.length === 0}
          @click=${() => store.update(clearQueue)}
        >
          Clear
        </button>
      </h2>
      ${
        s.entries.length === 0
          ? html`<p>The queue is empty. Add tracks from any page.</p>`
          : html`<ol>
              ${s.entries.map(
                (entry, i) =>
                  html`<li
                    draggable="true"
                    data-entry=${entry.id}
                    aria-current=${i === s.current}
                    @dragstart=${(e: DragEvent) => {
                      this.dragFrom = i
                      e.dataTransfer?.setData('text/plain', entry.id)
                    }}
                    @dragover=${(e: DragEvent) => e.preventDefault()}
                    @drop=${(e: DragEvent) => {
                      e.preventDefault()
                      const from = this.dragFrom
                      this.dragFrom = -1
                      store.update((st) => moveEntry(st, from, i))
                    }}
                  >
                    <span class="grip" aria-hidden="true">${icon('grip')}</span>
                    <span class="title">
                      <button
                        @click=${() => engine.playIndex(i)}
                        aria-label=${`Play ${label(entry.track)}`}
                      >
                        ${entry.track.title} · ${entry.track.artistName}
                      </button>
                    </span>
                    <button
                      aria-label=${`Move ${entry.track.title} up`}
                      ?disabled=${i === 0}
                      @click=${() => store.update((st) => moveEntry(st, i, i - 1))}
                    >
                      ${icon('up')}
                    </button>
                    <button
                      aria-label=${`Move ${entry.track.title} down`}
                      ?disabled=${i === s.entries.length - 1}
                      @click=${() => store.update((st) => moveEntry(st, i, i + 1))}
                    >
                      ${icon('down')}
                    </button>
                    <button
                      aria-label=${`Remove ${entry.track.title}`}
                      @click=${() => store.update((st) => removeEntry(st, entry.id))}
                    >
                      ${icon('close')}
                    </button>
                  </li>`,
              )}
            </ol>`
      }
    </section>`
  }
}

function label(t: QueueTrack): string {
  return `${t.title} by ${t.artistName}`
}

customElements.define('plyr-player-bar', PlayerBar)
