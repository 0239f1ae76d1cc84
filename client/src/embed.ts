import { css, html, LitElement, nothing } from 'lit'
import { atUri, type ListView, type TrackView, xrpc } from './api.js'
import { icon } from './components/icons.js'
import './components/seek-bar.js'
import { shared } from './components/styles.js'
import { artistName, formatTime } from './format.js'
import { listPath, trackPath } from './links.js'
import { gainFactor } from './player/loudness.js'
import { loadPeaks } from './player/peaks.js'
import { PlayReporter } from './player/play-report.js'

/**
 * The compact player other sites frame (`/embed/<track|album|playlist>/<did>/<rkey>`): one
 * audio element of its own, not the site's queue, so an embed never changes what a
 * listener's plyr tabs play. Links open plyr in a new tab.
 */
export class PlyrEmbed extends LitElement {
  static override properties = {
    tracks: { state: true },
    list: { state: true },
    index: { state: true },
    error: { state: true },
    peaks: { state: true },
  }
  declare tracks: TrackView[]
  declare list: ListView | undefined
  declare index: number
  declare error: string
  declare peaks: number[] | null
  private readonly audio = new Audio()
  private readonly plays = new PlayReporter()

  constructor() {
    super()
    this.tracks = []
    this.index = 0
    this.error = ''
    this.peaks = null
    this.audio.preload = 'metadata'
    this.audio.dataset.active = ''
    for (const event of ['play', 'pause', 'timeupdate', 'durationchange']) {
      this.audio.addEventListener(event, () => this.requestUpdate())
    }
    this.audio.addEventListener('timeupdate', () =>
      this.plays.tick(this.audio.currentTime, this.audio.duration, !this.audio.paused),
    )
    this.audio.addEventListener('seeking', () => this.plays.seeked())
    this.audio.addEventListener('ended', () => this.select(this.index + 1, true))
    this.audio.addEventListener('error', () => {
      this.error = 'This track could not be played.'
    })
    document.body.append(this.audio)
  }

  static override styles = [
    shared,
    css`
      :host {
        display: block;
        padding: 0.75rem;
        box-sizing: border-box;
        height: 100vh;
        overflow: auto;
      }
      .now {
        display: grid;
        grid-template-columns: 5rem minmax(0, 1fr);
        gap: 0.75rem;
        align-items: center;
      }
      .cover {
        width: 5rem;
        height: 5rem;
      }
      .names a {
        display: block;
        white-space: nowrap;
        overflow: hidden;
        text-overflow: ellipsis;
      }
      .title {
        font-weight: 700;
      }
      .row {
        display: flex;
        align-items: center;
        gap: 0.5rem;
        margin-top: 0.35rem;
        font-size: 0.8rem;
        color: var(--muted);
        font-variant-numeric: tabular-nums;
      }
      .row plyr-seek-bar {
        flex: 1;
      }
      .play {
        background: var(--accent);
        color: var(--on-accent);
      }
      ol {
        margin: 0.75rem 0 0;
        padding: 0;
        list-style: none;
      }
      ol button {
        background: none;
        border: 0;
        width: 100%;
        text-align: left;
        padding: 0.3rem 0.25rem;
        border-radius: 4px;
      }
      ol button[aria-current='true'] {
        font-weight: 700;
        background: var(--hover);
      }
      .brand {
        float: right;
        color: var(--accent);
        font-weight: 800;
      }
    `,
  ]

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    const [, , kind, did, rkey] = location.pathname.split('/').map(decodeURIComponent)
    try {
      if (kind === 'track') {
        const { track } = await xrpc<{ track: TrackView }>('fm.plyr.feed.getTrack', {
          uri: atUri(did!, 'track', rkey!),
        })
        this.tracks = [track]
      } else {
        const page = await xrpc<{ list: ListView; tracks: TrackView[] }>('fm.plyr.feed.getList', {
          uri: atUri(did!, 'list', rkey!),
        })
        this.list = page.list
        this.tracks = page.tracks.filter((t) => t.audioUrl)
      }
      this.select(0, false)
    } catch {
      this.error = 'This is not available on plyr.'
    }
  }

  private select(index: number, play: boolean): void {
    const track = this.tracks[index]
    if (!track?.audioUrl) return
    this.index = index
    this.error = ''
    this.audio.src = track.audioUrl
    this.plays.start(track.uri)
    this.audio.volume = gainFactor(track.loudnessGain, true)
    document.title = `${track.title} – ${artistName(track.artist)} • plyr`
    this.peaks = null
    void loadPeaks(track.peaksUrl).then((p) => (this.peaks = p))
    if (play) void this.audio.play().catch(() => {})
  }

  override render() {
    const t = this.tracks[this.index]
    if (!t) return html`<p class=${this.error ? 'error' : 'muted'}>${this.error || 'Loading…'}</p>`
    const duration = Number.isFinite(this.audio.duration) ? this.audio.duration : (t.duration ?? 0)
    const playing = !this.audio.paused
    return html`
      <a class="brand" href="/" target="_blank" rel="noopener">plyr</a>
      <div class="now">
        ${
          t.imageUrl
            ? html`<img class="cover" src=${t.imageUrl} alt="" />`
            : html`<div class="cover" aria-hidden="true"></div>`
        }
        <div class="names">
          <a class="title" href=${trackPath(t.uri)} target="_blank" rel="noopener">${t.title}</a>
          <a class="muted" href=${trackPath(t.uri)} target="_blank" rel="noopener"
            >${artistName(t.artist)}</a
          >
          ${
            this.list
              ? html`<a
                  class="muted"
                  href=${listPath(this.list.uri, this.list.listType)}
                  target="_blank"
                  rel="noopener"
                  >${this.list.name ?? 'Untitled'}</a
                >`
              : nothing
          }
          <div class="row">
            <button
              class="round play"
              aria-label=${playing ? 'Pause' : 'Play'}
              @click=${() => (playing ? this.audio.pause() : void this.audio.play())}
            >
              ${icon(playing ? 'pause' : 'play')}
            </button>
            <span>${formatTime(this.audio.currentTime)}</span>
            <plyr-seek-bar
              .position=${this.audio.currentTime}
              .duration=${duration}
              .peaks=${this.peaks}
              @seek=${(e: CustomEvent<number>) => (this.audio.currentTime = e.detail)}
            ></plyr-seek-bar>
            <span>${formatTime(duration)}</span>
          </div>
        </div>
      </div>
      ${this.error ? html`<p class="error" role="status">${this.error}</p>` : nothing}
      ${
        this.list
          ? html`<ol>
              ${this.tracks.map(
                (track, i) =>
                  html`<li>
                    <button aria-current=${i === this.index} @click=${() => this.select(i, true)}>
                      ${i + 1}. ${track.title} · ${artistName(track.artist)}
                    </button>
                  </li>`,
              )}
            </ol>`
          : nothing
      }
    `
  }
}
customElements.define('plyr-embed', PlyrEmbed)
