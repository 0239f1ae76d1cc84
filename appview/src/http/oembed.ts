import { sendError } from '@plyr/core'
import type { Request, Response } from 'express'
import type { PlyrNamespace } from '@plyr/lexicons'
import type { AppContext } from '../context.js'
import type { HydratedActor } from '../hydration/actors.js'
import { hydrate } from '../hydration/hydrator.js'
import {
  artistUrl,
  embedUrl,
  PAGE_KINDS,
  type PageKind,
  parseRecordPath,
  type RecordRef,
  uriOf,
} from '../links.js'
import { readerFor } from '../pipeline/reader.js'
import { applyRules, isVisible } from '../rules/apply.js'
import { escapeHtml } from './html.js'

/** The player's size unless the consumer asks for less (maxwidth / maxheight). */
const PLAYER_SIZE: Record<PageKind, { width: number; height: number }> = {
  track: { width: 480, height: 160 },
  album: { width: 480, height: 420 },
  playlist: { width: 480, height: 420 },
}

type Embeddable = { kind: PageKind; ref: RecordRef; title: string | null; author: HydratedActor }

/**
 * GET /oembed?url=…&format=json&maxwidth=…&maxheight=… (https://oembed.com): a `rich`
 * response whose html is an iframe of the embed player, for the track, album and playlist
 * page URLs under PUBLIC_URL and for the records' at:// URIs. 400 for a missing or
 * malformed parameter, 501 for a format other than json, 404 for a URL that names no
 * visible record of that kind (unknown, deleted, by an inactive account or labelled).
 */
export function oembedHandler(ctx: AppContext) {
  const ns = ctx.cfg.namespace
  const base = ctx.service.url
  return async (req: Request, res: Response): Promise<void> => {
    res.set('Access-Control-Allow-Origin', '*')
    const { url, format, maxwidth, maxheight } = req.query
    if (typeof url !== 'string' || !(url.startsWith('at://') || URL.canParse(url))) {
      sendError(res, 400, 'InvalidRequest', 'url must be an absolute URL or an at:// URI')
      return
    }
    if (format !== undefined && format !== 'json') {
      sendError(res, 501, 'UnsupportedFormat', 'only format=json is supported')
      return
    }
    const maxWidth = dimension(maxwidth)
    const maxHeight = dimension(maxheight)
    if (maxWidth === null || maxHeight === null) {
      sendError(res, 400, 'InvalidRequest', 'maxwidth and maxheight must be positive integers')
      return
    }
    const target = parseTarget(url, base, ns)
    const found = target && (await findEmbeddable(ctx, ns, target))
    if (!found) {
      sendError(res, 404, 'NotFound', `no ${target?.kind ?? 'plyr page'} at ${url}`)
      return
    }
    const size = PLAYER_SIZE[found.kind]
    const width = Math.min(size.width, maxWidth ?? size.width)
    const height = Math.min(size.height, maxHeight ?? size.height)
    const title = found.title ?? `Untitled ${found.kind}`
    const author = found.author
    const src = embedUrl(base, found.kind, found.ref)
    res.json({
      version: '1.0',
      type: 'rich',
      provider_name: 'plyr',
      provider_url: base,
      title,
      author_name: author.display_name ?? author.handle ?? author.did,
      author_url: artistUrl(base, author.did),
      width,
      height,
      html:
        `<iframe src="${escapeHtml(src)}" width="${width}" height="${height}"` +
        ` title="${escapeHtml(title)}" style="border: 0" allow="autoplay; encrypted-media"` +
        ` loading="lazy"></iframe>`,
    })
  }
}

type Target = { kind: PageKind | 'list'; ref: RecordRef }

/**
 * What an oEmbed `url` names: a page `<PUBLIC_URL>/<kind>/<did>/<rkey>` (query and
 * fragment ignored), or `at://<did>/<namespace>.track|list/<rkey>`.
 */
function parseTarget(url: string, base: string, ns: PlyrNamespace): Target | undefined {
  if (url.startsWith('at://')) {
    const [did, collection, rkey, ...extra] = url.slice('at://'.length).split('/')
    const ref = extra.length === 0 ? parseRecordPath(`${did}/${rkey}`) : undefined
    if (!ref) return undefined
    if (collection === ns.collection('track')) return { kind: 'track', ref }
    if (collection === ns.collection('list')) return { kind: 'list', ref }
    return undefined
  }
  const page = new URL(url)
  const home = new URL(base)
  const prefix = home.pathname === '/' ? '/' : `${home.pathname}/`
  if (page.origin !== home.origin || !page.pathname.startsWith(prefix)) return undefined
  const [kind, ...rest] = page.pathname.slice(prefix.length).split('/')
  if (!(PAGE_KINDS as readonly string[]).includes(kind ?? '')) return undefined
  const ref = parseRecordPath(rest.join('/'))
  return ref && { kind: kind as PageKind, ref }
}

/**
 * The record a target names, if it is visible and of that kind: hydrated and ruled as
 * every read is.
 */
async function findEmbeddable(
  ctx: AppContext,
  ns: PlyrNamespace,
  target: Target,
): Promise<Embeddable | undefined> {
  const reader = readerFor(ctx)
  if (target.kind === 'track') {
    const uri = uriOf(target.ref, ns.collection('track'))
    const state = applyRules(await hydrate(reader, { tracks: [uri] }))
    const track = state.tracks.get(uri)
    if (!track || !isVisible(state, uri)) return undefined
    return {
      kind: 'track',
      ref: target.ref,
      title: track.title,
      author: state.actors.get(track.did)!,
    }
  }
  const uri = uriOf(target.ref, ns.collection('list'))
  const state = applyRules(await hydrate(reader, { lists: [uri] }))
  const list = state.lists.get(uri)
  const kind = list?.list_type
  const fits =
    target.kind === 'list' ? kind === 'album' || kind === 'playlist' : kind === target.kind
  if (!list || !fits || !isVisible(state, uri)) return undefined
  return {
    kind: kind as PageKind,
    ref: target.ref,
    title: list.name,
    author: state.actors.get(list.did)!,
  }
}

/** An optional positive integer parameter: undefined when absent, null when malformed. */
function dimension(value: unknown): number | undefined | null {
  if (value === undefined) return undefined
  if (typeof value !== 'string' || !/^[1-9][0-9]{0,5}$/.test(value)) return null
  return Number(value)
}
