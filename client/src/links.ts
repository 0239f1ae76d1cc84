import { recordPath } from './api.js'

export function trackPath(uri: string): string {
  return `/track/${recordPath(uri)}`
}

export function listPath(uri: string, listType: string | undefined): string {
  return `/${listType === 'album' ? 'album' : 'playlist'}/${recordPath(uri)}`
}

export function tagPath(tag: string): string {
  return `/tag/${encodeURIComponent(tag)}`
}
