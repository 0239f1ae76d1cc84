/**
 * The tab's title: the page's own ("Northern Static • plyr"), or while something plays
 * "title – artist • plyr".
 */
let page = 'plyr'
let playing: string | null = null

function apply(): void {
  document.title = playing ? `${playing} • plyr` : page
}

export const formatTitle = {
  page(title: string | null): void {
    page = title ? `${title} • plyr` : 'plyr'
    apply()
  },
  playing(title: string | null): void {
    playing = title
    apply()
  },
}
