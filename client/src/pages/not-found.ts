import { html } from 'lit'
import { formatTitle } from '../title.js'
import { Page } from './page.js'

export class NotFoundPage extends Page {
  override connectedCallback(): void {
    super.connectedCallback()
    formatTitle.page('Not found')
  }

  override render() {
    return html`<h1>Nothing here</h1>
      <p>This page does not exist. <a href="/">Back to the music</a>.</p>`
  }
}
customElements.define('plyr-not-found-page', NotFoundPage)
