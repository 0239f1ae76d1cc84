import { css, html, LitElement } from 'lit'
import { keyed } from 'lit/directives/keyed.js'
import { html as staticHtml, unsafeStatic } from 'lit/static-html.js'
import './components/player-bar.js'
import { icon } from './components/icons.js'
import { resolve, type Route } from './router.js'

/**
 * The shell: header with search, the routed page, the player bar. Links inside the app
 * navigate with the History API, so the player bar (and its audio) is never reloaded.
 */
export class PlyrApp extends LitElement {
  static override properties = { route: { state: true } }
  declare route: Route | undefined
  private navigation = 0

  static override styles = css`
    :host {
      display: grid;
      grid-template-rows: auto 1fr auto;
      min-height: 100vh;
      min-height: 100dvh;
    }
    header {
      display: flex;
      align-items: center;
      gap: 1rem;
      padding: 0.6rem 1rem;
      border-bottom: 1px solid var(--border);
      background: var(--surface);
    }
    .logo {
      font-weight: 800;
      font-size: 1.25rem;
      color: var(--accent);
      text-decoration: none;
      letter-spacing: -0.02em;
    }
    form {
      flex: 1;
      max-width: 28rem;
      display: flex;
      align-items: center;
      gap: 0.25rem;
      background: var(--input);
      border-radius: 999px;
      padding: 0 0.5rem 0 0.75rem;
      color: var(--muted);
    }
    input {
      flex: 1;
      min-width: 0;
      font: inherit;
      border: 0;
      background: transparent;
      color: var(--text);
      padding: 0.5rem 0;
    }
    input:focus {
      outline: none;
    }
    form:focus-within,
    a:focus-visible {
      outline: 2px solid var(--focus);
      outline-offset: 2px;
    }
    main {
      width: 100%;
      max-width: 64rem;
      margin: 0 auto;
      padding: 0.5rem 1rem 2rem;
      box-sizing: border-box;
    }
    plyr-player-bar {
      position: sticky;
      bottom: 0;
    }
  `

  override connectedCallback(): void {
    super.connectedCallback()
    window.addEventListener('popstate', this.onLocation)
    document.addEventListener('click', this.onClick)
    this.addEventListener('navigate', this.onNavigate)
    void this.onLocation()
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback()
    window.removeEventListener('popstate', this.onLocation)
    document.removeEventListener('click', this.onClick)
  }

  private readonly onLocation = async () => {
    const navigation = ++this.navigation
    const route = await resolve(new URL(location.href))
    if (navigation === this.navigation) this.route = route
  }

  /** Same-origin links navigate in place; modified clicks and downloads are left alone. */
  private readonly onClick = (e: MouseEvent) => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) {
      return
    }
    const anchor = e
      .composedPath()
      .find((el): el is HTMLAnchorElement => el instanceof HTMLAnchorElement)
    if (!anchor || anchor.target || anchor.hasAttribute('download')) return
    const url = new URL(anchor.href)
    if (url.origin !== location.origin || /^\/(xrpc|audio|oauth|embed)\//.test(url.pathname)) return
    e.preventDefault()
    this.go(url.pathname + url.search)
  }

  private readonly onNavigate = (e: Event) => this.go((e as CustomEvent<string>).detail)

  private go(path: string, replace = false): void {
    if (path === location.pathname + location.search) return
    if (replace) history.replaceState(null, '', path)
    else history.pushState(null, '', path)
    window.scrollTo(0, 0)
    void this.onLocation()
  }

  override render() {
    const q = new URL(location.href).searchParams.get('q') ?? ''
    return html`
      <header>
        <a class="logo" href="/" aria-label="plyr home">plyr</a>
        <form role="search" @submit=${this.onSearch}>
          ${icon('search')}
          <input
            type="search"
            name="q"
            aria-label="Search tracks, artists, albums, playlists and tags"
            placeholder="Search"
            .value=${this.route?.tag === 'plyr-search-page' ? q : ''}
            @input=${this.onSearchInput}
          />
        </form>
      </header>
      <main id="main">${this.renderPage()}</main>
      <plyr-player-bar></plyr-player-bar>
    `
  }

  private renderPage() {
    if (!this.route) return html``
    const tag = unsafeStatic(this.route.tag)
    return keyed(this.navigation, staticHtml`<${tag} .params=${this.route.params}></${tag}>`)
  }

  private onSearch(e: SubmitEvent): void {
    e.preventDefault()
    const q = new FormData(e.target as HTMLFormElement).get('q')
    this.go(`/search?q=${encodeURIComponent(String(q ?? ''))}`)
  }

  /** Results as you type: the search page follows the query in the URL. */
  private onSearchInput(e: InputEvent): void {
    const q = (e.target as HTMLInputElement).value
    const onSearch = this.route?.tag === 'plyr-search-page'
    this.go(`/search?q=${encodeURIComponent(q)}`, onSearch)
  }
}
customElements.define('plyr-app', PlyrApp)
