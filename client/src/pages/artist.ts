import { css, html, nothing } from 'lit'
import { type ListView, type ProfileView, type TrackPage, xrpc } from '../api.js'
import '../components/track-list.js'
import { shared } from '../components/styles.js'
import { artistName, count } from '../format.js'
import { listPath } from '../links.js'
import { formatTitle } from '../title.js'
import { failure, Page, Paged } from './page.js'

/** An artist (by handle or DID): profile, counts, tracks, albums and playlists. */
export class ArtistPage extends Page {
  static override properties = {
    ...Page.properties,
    profile: { state: true },
    error: { state: true },
  }
  declare profile: ProfileView | undefined
  declare error: unknown
  private readonly tracks = new Paged(this, async (cursor) => {
    const params = { actor: this.params.actor, limit: 20, cursor }
    const page = await xrpc<TrackPage>('fm.plyr.feed.getArtistTracks', params)
    return { items: page.tracks, cursor: page.cursor }
  })
  private readonly lists = new Paged(this, async (cursor) => {
    const params = { actor: this.params.actor, limit: 20, cursor }
    const page = await xrpc<{ lists: ListView[]; cursor?: string }>(
      'fm.plyr.feed.getActorLists',
      params,
    )
    return { items: page.lists, cursor: page.cursor }
  })

  static override styles = [
    shared,
    css`
      .head {
        display: flex;
        gap: 1rem;
        align-items: center;
        margin-top: 1rem;
      }
      .avatar {
        width: 6rem;
        height: 6rem;
        border-radius: 50%;
      }
      .bio {
        white-space: pre-wrap;
        overflow-wrap: anywhere;
      }
      ul {
        padding-left: 1.2rem;
      }
    `,
  ]

  override connectedCallback(): void {
    super.connectedCallback()
    void this.load()
  }

  private async load(): Promise<void> {
    try {
      const { profile } = await xrpc<{ profile: ProfileView }>('fm.plyr.actor.getProfile', {
        actor: this.params.actor,
      })
      this.profile = profile
      formatTitle.page(artistName(profile))
      void this.tracks.reset()
      void this.lists.reset()
    } catch (err) {
      this.error = err
      formatTitle.page('Artist not found')
    }
  }

  override render() {
    if (this.error) return failure(this.error, 'artist')
    const p = this.profile
    if (!p) return html`<p class="muted" aria-busy="true">Loading…</p>`
    return html`
      <div class="head">
        ${
          p.avatar
            ? html`<img class="cover avatar" src=${p.avatar} alt="" />`
            : html`<div class="cover avatar" aria-hidden="true"></div>`
        }
        <div>
          <h1>${artistName(p)}</h1>
          <p class="muted">@${p.handle}</p>
          <p class="muted">
            ${count(p.trackCount, 'track')} · ${count(p.albumCount, 'album')} ·
            ${count(p.playlistCount, 'playlist')} · ${count(p.likeCount, 'like')}
          </p>
        </div>
      </div>
      ${p.bio ? html`<p class="bio">${p.bio}</p>` : nothing}
      <h2>Tracks</h2>
      ${
        this.tracks.error
          ? failure(this.tracks.error, 'list')
          : html`<plyr-track-list
              .tracks=${this.tracks.items}
              ?loading=${this.tracks.loading}
              ?hasMore=${!!this.tracks.cursor}
              @more=${() => this.tracks.more()}
            ></plyr-track-list>`
      }
      ${
        this.lists.items.length
          ? html`<h2>Albums and playlists</h2>
              <ul>
                ${this.lists.items.map(
                  (l) =>
                    html`<li>
                      <a href=${listPath(l.uri, l.listType)}>${l.name ?? 'Untitled'}</a>
                      <span class="muted">· ${l.listType} · ${count(l.itemCount, 'track')}</span>
                    </li>`,
                )}
              </ul>
              ${
                this.lists.cursor
                  ? html`<button class="more" @click=${() => this.lists.more()}>More</button>`
                  : nothing
              }`
          : nothing
      }
    `
  }
}
customElements.define('plyr-artist-page', ArtistPage)
