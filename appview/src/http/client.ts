import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import express, { type Request, type Response, type Router } from 'express'
import type { AppContext } from '../context.js'
import { escapeHtml } from './html.js'
import { findShare, shareHead } from './share.js'

/** Where the built client's page template takes the per-page head. */
const HEAD_SLOT = '<!--plyr:head-->'
const DEFAULT_TITLE = '<title>plyr</title>'

/**
 * No inline script anywhere, and nothing loaded from elsewhere but media: covers, avatars
 * and audio live on PDSes and media hosts. Styles allow inline (Lit's style bindings).
 */
export function contentSecurityPolicy(frameAncestors: string): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    'img-src * data: blob:',
    'media-src * blob:',
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    `frame-ancestors ${frameAncestors}`,
  ].join('; ')
}

/** The web client's paths: each answers the client's page (history-API routing). */
export const CLIENT_ROUTES = [
  '/',
  '/track/:did/:rkey',
  '/artist/:actor',
  '/album/:did/:rkey',
  '/playlist/:did/:rkey',
  '/tag/:tag',
  '/search',
]

/** The embed players' paths, for iframes on any site. */
export const EMBED_ROUTES = [
  '/embed/track/:did/:rkey',
  '/embed/album/:did/:rkey',
  '/embed/playlist/:did/:rkey',
]

export type WebClient = {
  /** The built assets (`/assets/…`, the icon), cached for good: their names carry a hash. */
  assets: Router
  /**
   * A client route: the page, its head carrying the title, OpenGraph and Twitter card tags
   * of the record it shows (link previews work without JavaScript); 404 when it names none.
   */
  page: (req: Request, res: Response) => Promise<void>
  /** An embed player: a page any site may frame. */
  embed: (req: Request, res: Response) => void
  /** Any other GET that wants HTML: the client's not-found page, with a 404. */
  notFound: (req: Request, res: Response, next: () => void) => void
}

/** The built client in `dir`, or undefined when it is not there (`npm start` builds it). */
export function webClient(ctx: AppContext, dir: string): WebClient | undefined {
  const indexFile = join(dir, 'index.html')
  const embedFile = join(dir, 'embed.html')
  if (!existsSync(indexFile) || !existsSync(embedFile)) return undefined
  const template = readFileSync(indexFile, 'utf8').replace(DEFAULT_TITLE, '')
  const embedTemplate = readFileSync(embedFile, 'utf8')
  const namespace = `<meta name="plyr-namespace" content="${escapeHtml(ctx.cfg.namespace.namespace)}" />`
  const assets = express.Router()
  assets.use(
    '/assets',
    express.static(join(dir, 'assets'), { immutable: true, maxAge: '365d', index: false }),
  )
  assets.use(express.static(dir, { index: false, maxAge: '1h' }))

  const send = (
    res: Response,
    status: number,
    head: string,
    page = template,
    framing = "'self'",
  ) => {
    res
      .status(status)
      .set({
        'Content-Type': 'text/html; charset=utf-8',
        'Content-Security-Policy': contentSecurityPolicy(framing),
        'X-Content-Type-Options': 'nosniff',
        'Referrer-Policy': 'strict-origin-when-cross-origin',
        'Cache-Control': 'no-cache',
      })
      .send(page.replace(HEAD_SLOT, `${namespace}\n    ${head}`))
  }

  return {
    assets,
    page: async (req, res) => {
      const share = await findShare(ctx, req)
      if (share === null) send(res, 404, DEFAULT_TITLE)
      else send(res, 200, share ? shareHead(share, ctx.service.url) : DEFAULT_TITLE)
    },
    embed: (_req, res) => send(res, 200, '', embedTemplate, '*'),
    notFound: (req, res, next) => {
      if (!req.accepts('html')) return next()
      send(res, 404, DEFAULT_TITLE)
    },
  }
}
