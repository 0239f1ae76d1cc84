import type { Request } from 'express'
import type { AtIdentifierString, AtUriString } from '@atproto/lex'
import { isValidDid, isValidHandle } from '@atproto/syntax'
import { XRPCError } from '@atproto/xrpc-server'
import { getProfile } from '../api/fm/plyr/actor/getProfile.js'
import { getList } from '../api/fm/plyr/feed/getList.js'
import { getTrack } from '../api/fm/plyr/feed/getTrack.js'
import type { AppContext } from '../context.js'
import { artistUrl, embedUrl, type PageKind, pageUrl, parseRecordPath, uriOf } from '../links.js'
import { readerFor } from '../pipeline/reader.js'
import { escapeHtml } from './html.js'

/** What a link preview shows of a page: the record's title, by whom, its cover and audio. */
export type Share = {
  title: string
  description: string
  /** og:type */
  type: 'music.song' | 'music.album' | 'music.playlist' | 'profile'
  url: string
  image?: string
  audio?: string
  embed?: { kind: PageKind; url: string; width: number; height: number }
}

/** The embed player's size, as /oembed hands it out. */
const EMBED_SIZE: Record<PageKind, { width: number; height: number }> = {
  track: { width: 480, height: 160 },
  album: { width: 480, height: 420 },
  playlist: { width: 480, height: 420 },
}

/**
 * The share of a record page (`/track|album|playlist/<did>/<rkey>`, `/artist/<actor>`),
 * read through the same pipelines as the XRPC methods (so hidden records stay hidden);
 * null when the page names nothing that may be shown, undefined for a page that shows no
 * record.
 */
export async function findShare(ctx: AppContext, req: Request): Promise<Share | null | undefined> {
  const base = ctx.service.url
  const reader = readerFor(ctx)
  const [, kind, ...rest] = req.path.split('/')
  try {
    if (kind === 'artist' && rest.length === 1) {
      const actor = decodeSegment(rest[0]!)
      if (!actor || (!isValidDid(actor) && !isValidHandle(actor))) return null
      const params = { actor: actor as AtIdentifierString }
      const { profile } = await getProfile({ params, reader })
      const name = profile.displayName || profile.handle
      return {
        title: name,
        description: profile.bio || `${name} on plyr: ${plural(profile.trackCount, 'track')}`,
        type: 'profile',
        url: artistUrl(base, profile.did),
        image: profile.avatar,
      }
    }
    if (kind !== 'track' && kind !== 'album' && kind !== 'playlist') return undefined
    const ref = parseRecordPath(rest.join('/'))
    if (!ref) return null
    const url = pageUrl(base, kind, ref)
    const embed = { kind: kind as PageKind, url: embedUrl(base, kind, ref), ...EMBED_SIZE[kind] }
    if (kind === 'track') {
      const uri = uriOf(ref, ctx.cfg.namespace.collection('track'))
      const { track } = await getTrack({ params: { uri: uri as AtUriString }, reader })
      const by = track.artist.displayName || track.artist.handle
      return {
        title: `${track.title} – ${by}`,
        description:
          track.description ||
          `${track.title} by ${by}${track.album ? `, from ${track.album}` : ''}`,
        type: 'music.song',
        url,
        image: track.imageUrl,
        audio: track.audioUrl,
        embed,
      }
    }
    const uri = uriOf(ref, ctx.cfg.namespace.collection('list'))
    const { list, tracks } = await getList({ params: { uri: uri as AtUriString }, reader })
    if (list.listType !== kind) return null
    const by = list.creator.displayName || list.creator.handle
    const name = list.name || `Untitled ${kind}`
    return {
      title: `${name} – ${by}`,
      description: `${kind === 'album' ? 'An album' : 'A playlist'} by ${by}: ${plural(list.itemCount, 'track')}`,
      type: kind === 'album' ? 'music.album' : 'music.playlist',
      url,
      image: tracks.find((t) => t.imageUrl)?.imageUrl,
      embed,
    }
  } catch (err) {
    // a record or account that does not exist or may not be shown (the methods' typed errors)
    if (err instanceof XRPCError && err.type === 400) return null
    throw err
  }
}

function decodeSegment(value: string): string | undefined {
  try {
    return decodeURIComponent(value)
  } catch {
    return undefined
  }
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`
}

/** The head of a shared page: its title, OpenGraph and Twitter card tags, canonical and oEmbed links. */
export function shareHead(share: Share, base: string): string {
  const meta = (attr: 'property' | 'name', key: string, value: string | number | undefined) =>
    value === undefined ? '' : `<meta ${attr}="${key}" content="${escapeHtml(String(value))}" />`
  const oembed = `${base}/oembed?url=${encodeURIComponent(share.url)}&format=json`
  return [
    `<title>${escapeHtml(share.title)} • plyr</title>`,
    `<meta name="description" content="${escapeHtml(share.description)}" />`,
    `<link rel="canonical" href="${escapeHtml(share.url)}" />`,
    share.embed
      ? `<link rel="alternate" type="application/json+oembed" href="${escapeHtml(oembed)}" title="${escapeHtml(share.title)}" />`
      : '',
    meta('property', 'og:site_name', 'plyr'),
    meta('property', 'og:type', share.type),
    meta('property', 'og:title', share.title),
    meta('property', 'og:description', share.description),
    meta('property', 'og:url', share.url),
    meta('property', 'og:image', share.image),
    meta('property', 'og:audio', share.audio),
    share.audio ? meta('property', 'og:audio:type', 'audio/mpeg') : '',
    meta(
      'name',
      'twitter:card',
      share.embed ? 'player' : share.image ? 'summary_large_image' : 'summary',
    ),
    meta('name', 'twitter:title', share.title),
    meta('name', 'twitter:description', share.description),
    meta('name', 'twitter:image', share.image),
    meta('name', 'twitter:player', share.embed?.url),
    meta('name', 'twitter:player:width', share.embed?.width),
    meta('name', 'twitter:player:height', share.embed?.height),
  ]
    .filter(Boolean)
    .join('\n    ')
}
