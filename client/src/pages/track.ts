import { css, html, nothing } from 'lit'
import { atUri, type CommentView, type TrackView, xrpc } from '../api.js'
import { icon } from '../components/icons.js'
import '../components/seek-bar.js'
import { shared } from '../components/styles.js'
import { artistName, artistPath, count, formatTime, queueTrack } from '../format.js'
import { tagPath } from '../links.js'
import { engine, store } from '../player/index.js'
import { loadPeaks } from '../player/peaks.js'
import { addToQueue, currentTrack, playTracks } from '../player/queue.js'
import { formatTitle } from '../title.js'
import { failure, Page, Paged } from './page.js'

/**
 * A track: cover, names, counts, tags, its waveform with the timed comments on it, and
 * the comments in playback order; clicking one plays the track from there.
 */
export class TrackPage extends Page {
  static override properties = {
    ...Page.properties,
    track: { state: true },
    error: { state: true },
    peaks: { state: true },
  }
  declare track: TrackView | undefined
  declare error: unknown
  declare peaks: number[] | null
  private readonly comments = new Paged(this, async (cursor) => {
    const uri = this.uri
    const page = await xrpc<{ comments: CommentView[]; cursor?: string }>(
      'fm.plyr.feed.getComments',
      { uri, limit: 50, cursor },
    )
    return { items: page.comments, cursor: page.cursor }
  })

  static override styles = [
    shared,
    css`
      .head {
        display: flex;
        gap: 1.25rem;
        align-items: flex-end;
        flex-wrap: wrap;
        margin-top: 1rem;
      }
      .head .cover {
        width: min(12rem, 40vw);
        height: min(12rem, 40vw);
      }
      .head div {
        flex: 1;
        min-width: 14rem;
      }
      .play {
        background: var(--accent);
        color: var(--on-accent);
        border: 0;
        border-radius: 999px;
        padding: 0.5rem 1.1rem 0.5rem 0.8rem;
        display: inline-flex;
        align-items: center;
        gap: 0.3rem;
        margin-right: 0.5rem;
      }
      plyr-seek-bar {
        height: 4.5rem;
        margin: 1.25rem 0 0.5rem;
      }
      ol {
        list-style: none;
        padding: 0;
        margin: 0;
      }
      li {
        padding: 0.35rem 0;
        border-bottom: 1px solid var(--border);
      }
      .stamp {
        font-variant-numeric: tabular-nums;
        background: var(--hover);
        border: 0;
        border-radius: 4px;
        padding: 0.1rem 0.4rem;
        margin-right: 0.5rem;
      }
      .description {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
    `,
  ]

  private get uri(): string {
    return atUri(this.params.did!, 'track', this.params.rkey!)
  }

  override connectedCallback(): void {
    super.connectedCallback()
    store.addEventListener('change', this.refresh)
    void this.load()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    store.removeEventListener('change', this.refresh)
  }

  private readonly refresh = () => {
    if (this.isCurrent) this.requestUpdate()
  }

  private get isCurrent(): boolean {
    return !!this.track && currentTrack(store.state)?.uri === this.track.uri
  }

  private async load(): Promise<void> {
    try {
      const { track } = await xrpc<{ track: TrackView }>('fm.plyr.feed.getTrack', { uri: this.uri })
      this.track = track
      formatTitle.page(`${track.title} – ${artistName(track.artist)}`)
      void loadPeaks(track.peaksUrl).then((p) => (this.peaks = p))
      void this.comments.reset()
    } catch (err) {
      this.error = err
      formatTitle.page('Track not found')
    }
  }

  /** Plays this track from `seconds` (or resumes it where it is, when it is current). */
  private play(seconds?: number): void {
    const q = this.track && queueTrack(this.track)
    if (!q) return
    if (!this.isCurrent) {
      store.update((s) => playTracks(s, [q]))
      engine.playIndex(0)
      if (seconds !== undefined) engine.seek(seconds)
      return
    }
    if (seconds !== undefined) engine.seek(seconds)
    if (!store.playing) void engine.play()
  }

  override render() {
    if (this.error) return failure(this.error, 'track')
    const t = this.track
    if (!t) return html`<p class="muted" aria-busy="true">Loading…</p>`
    const q = queueTrack(t)
    const current = this.isCurrent
    const duration = (current && engine.duration) || t.duration || 0
    return html`
      <div class="head">
        ${
          t.imageUrl
            ? html`<img class="cover" src=${t.imageUrl} alt=${`Cover of ${t.title}`} />`
            : html`<div class="cover" aria-hidden="true"></div>`
        }
        <div>
          <h1>${t.title}</h1>
          <p>
            <a href=${artistPath(t.artist)}>${artistName(t.artist)}</a>
            ${t.album ? html` · <span>${t.album}</span>` : nothing}
            ${t.duration ? html` · ${formatTime(t.duration)}` : nothing}
          </p>
          <p class="muted">
            ${count(t.playCount, 'play')} · ${count(t.likeCount, 'like')} ·
            ${count(t.commentCount, 'comment')}
            ${(t.labels ?? []).map((l) => html` · <span>${l.val}</span>`)}
          </p>
          <button
            class="play"
            ?disabled=${!q}
            @click=${() => (current && store.playing ? engine.pause() : this.play())}
          >
            ${icon(current && store.playing ? 'pause' : 'play')}
            ${current && store.playing ? 'Pause' : 'Play'}
          </button>
          <button
            class="round"
            aria-label="Add to the queue"
            ?disabled=${!q}
            @click=${() => q && store.update((s) => addToQueue(s, [q]))}
          >
            ${icon('add')}
          </button>
          ${q ? nothing : html`<p class="error">This track has no audio plyr can play.</p>`}
        </div>
      </div>
      <plyr-seek-bar
        label=${`Seek in ${t.title}`}
        .position=${current ? store.state.position : 0}
        .duration=${duration}
        .peaks=${this.peaks}
        .markers=${this.comments.items.map((c) => c.timestampMs / 1000)}
        @seek=${(e: CustomEvent<number>) => this.play(e.detail)}
      ></plyr-seek-bar>
      ${
        t.tags?.length
          ? html`<nav aria-label="Tags">
              ${t.tags.map((tag) => html`<a class="chip" href=${tagPath(tag)}>#${tag}</a>`)}
            </nav>`
          : nothing
      }
      ${t.description ? html`<p class="description">${t.description}</p>` : nothing}
      <h2>Comments</h2>
      ${this.renderComments()}
    `
  }

  private renderComments() {
    const c = this.comments
    if (c.error) return failure(c.error, 'comment list')
    if (!c.loading && c.items.length === 0) return html`<p class="empty">No comments yet.</p>`
    return html`<ol>
        ${c.items.map(
          (comment) =>
            html`<li>
              <button
                class="stamp"
                aria-label=${`Play from ${formatTime(comment.timestampMs / 1000)}`}
                @click=${() => this.play(comment.timestampMs / 1000)}
              >
                ${formatTime(comment.timestampMs / 1000)}
              </button>
              <a href=${artistPath(comment.author)}>${artistName(comment.author)}</a>:
              <span class="comment-text">${comment.text}</span>
            </li>`,
        )}
      </ol>
      ${
        c.cursor
          ? html`<button class="more" ?disabled=${c.loading} @click=${() => c.more()}>
              More comments
            </button>`
          : nothing
      }`
  }
}
customElements.define('plyr-track-page', TrackPage)
