import { createRequire } from 'node:module'
import type { IndexSchema } from '@plyr/db'
import express, { type NextFunction, type Request, type Response } from 'express'
import type { Kysely } from 'kysely'
import type { AdminAuth } from './session.js'
import { FALSE_POSITIVE_REASONS, type Moderation, ModerationError } from './moderation.js'
import { html, type Html } from './html.js'

const htmxPath = createRequire(import.meta.url).resolve('htmx.org/dist/htmx.min.js')

export type AdminDeps = {
  db: Kysely<IndexSchema>
  auth: AdminAuth
  moderation: Moderation
  /** Where tracks and artists are opened: the AppView's public URL, if known. */
  appUrl?: string
}

const page = (title: string, body: Html, csrf?: string) =>
  html`<!doctype html>
    <html lang="en">
      <head>
        <meta charset="utf-8" />
        <title>${title} · plyr moderation</title>
        <script src="/admin/htmx.min.js"></script>
        <style>
          body {
            font:
              14px system-ui,
              sans-serif;
            margin: 2rem;
          }
          table {
            border-collapse: collapse;
            width: 100%;
          }
          td,
          th {
            border-bottom: 1px solid #ddd;
            padding: 0.4rem;
            text-align: left;
            vertical-align: top;
          }
          .confirm {
            background: #fff7e0;
            padding: 0.5rem;
          }
        </style>
      </head>
      <body ${csrf ? html`hx-headers='${JSON.stringify({ 'x-csrf-token': csrf })}'` : ''}>
        ${body}
      </body>
    </html>`

/**
 * `/admin`: the moderation queue, server-rendered, with htmx (served from the npm package,
 * no CDN) swapping a row's confirmation step and result in place; every form also works
 * without JavaScript. Every action asks for confirmation first and is CSRF-checked.
 */
export function adminRouter(deps: AdminDeps): express.Router {
  const { db, auth, moderation } = deps
  const router = express.Router()
  router.use(express.urlencoded({ extended: false, limit: '16kb' }))
  router.get('/htmx.min.js', (_req, res) => {
    res.type('application/javascript').setHeader('cache-control', 'public, max-age=86400')
    res.sendFile(htmxPath)
  })

  const trackLink = (uri: string, text: string) =>
    deps.appUrl
      ? html`<a
          target="_blank"
          rel="noopener noreferrer"
          href="${deps.appUrl}/xrpc/fm.plyr.feed.getTrack?uri=${encodeURIComponent(uri)}"
          >${text}</a
        >`
      : html`${text}`
  const artistLink = (did: string) =>
    deps.appUrl
      ? html`<a
          target="_blank"
          rel="noopener noreferrer"
          href="${deps.appUrl}/xrpc/fm.plyr.actor.getProfile?actor=${encodeURIComponent(did)}"
          >${did}</a
        >`
      : html`${did}`

  const loginPage = (message?: string) =>
    page(
      'Sign in',
      html`<h1>plyr moderation</h1>
        ${message ? html`<p role="alert">${message}</p>` : ''}
        ${
          auth.plyrSignIn
            ? html`<form method="get" action="/oauth/login">
                <input type="hidden" name="returnTo" value="/admin" />
                <label>Handle <input name="handle" required autocomplete="username" /></label>
                <button>Sign in with plyr</button> (accounts in ADMIN_DIDS)
              </form>`
            : ''
        }
        ${
          auth.tokenLogin
            ? html`<form method="post" action="/admin/login">
                <label>Admin token <input type="password" name="token" autocomplete="off" /></label>
                <button>Sign in</button>
              </form>`
            : ''
        }`,
    )

  // the moderator; else the sign-in page, refused (403) to a signed-in account that is
  // not a moderator and to any POST
  const guard = async (req: Request, res: Response, next: NextFunction) => {
    try {
      const { moderator, account } = await auth.who(req, res)
      if (!moderator) {
        res
          .status(req.method === 'GET' && !account ? 200 : 403)
          .type('html')
          .send(
            loginPage(
              account ? `${account} is not a moderator: sign in with another account.` : undefined,
            ).value,
          )
        return
      }
      res.locals.moderator = moderator
      if (
        req.method === 'POST' &&
        !auth.checkCsrf(req, moderator, req.get('x-csrf-token') ?? req.body?.csrf)
      ) {
        res.status(403).type('text').send('the form has expired: reload the page')
        return
      }
      next()
    } catch (err) {
      next(err)
    }
  }

  router.post('/login', (req, res) => {
    const token = typeof req.body?.token === 'string' ? req.body.token : ''
    if (auth.login(token, res)) return res.redirect(303, '/admin')
    res.status(403).type('html').send(loginPage('That token is not right.').value)
  })
  router.post('/logout', (_req, res) => {
    auth.logout(res)
    res.redirect(303, '/admin')
  })

  router.get('/', guard, async (req, res, next) => {
    try {
      const moderator = res.locals.moderator as string
      const csrf = auth.csrf(req, res, moderator)
      const status = ['pending', 'resolved', 'all'].includes(String(req.query.status))
        ? String(req.query.status)
        : 'pending'
      const minScore = Math.min(1, Math.max(0, Number(req.query.minScore) || 0))
      let query = db
        .selectFrom('labeler_flag as f')
        .leftJoin('track as t', 't.uri', 'f.uri')
        .select([
          'f.id',
          'f.uri',
          'f.did',
          'f.source',
          'f.matched_kind',
          'f.matched_subject',
          'f.matched_title',
          'f.matched_artist',
          'f.matched_isrc',
          'f.offset_s',
          'f.score',
          'f.overlap_s',
          'f.status',
          'f.reason',
          'f.resolved_by',
          't.title',
          't.artist',
        ])
        .orderBy('f.id', 'desc')
        .limit(200)
      if (status === 'pending') query = query.where('f.status', '=', 'pending')
      if (status === 'resolved') query = query.where('f.status', '<>', 'pending')
      if (minScore > 0) query = query.where('f.score', '>=', minScore)
      const flags = await query.execute()
      const takedowns = await db
        .selectFrom('labeler_label')
        .select('uri')
        .where('val', '=', '!takedown')
        .where('neg', '=', false)
        .where('superseded', '=', false)
        .orderBy('seq', 'desc')
        .limit(100)
        .execute()
      const audit = await db
        .selectFrom('labeler_audit')
        .selectAll()
        .orderBy('id', 'desc')
        .limit(100)
        .execute()
      const body = html`<h1>Moderation queue</h1>
        <p>Signed in as ${moderator}.
          <form method="post" action="/admin/logout" style="display:inline"><input type="hidden" name="csrf" value="${csrf}" /><button>Sign out</button></form></p>
        <form method="get" action="/admin">
          <label>Show <select name="status">
            ${['pending', 'resolved', 'all'].map((s) => html`<option value="${s}" ${s === status ? 'selected' : ''}>${s}</option>`)}
          </select></label>
          <label>Score at least <input type="number" name="minScore" min="0" max="1" step="0.05" value="${minScore}" /></label>
          <button>Filter</button>
        </form>
        <table>
          <thead><tr><th>Track</th><th>Artist</th><th>Matched work</th><th>Score</th><th>Overlap</th><th>Offset</th><th>Status</th><th></th></tr></thead>
          <tbody>
            ${flags.map(
              (f) =>
                html`<tr id="flag-${f.id}">
                  <td>${trackLink(f.uri, f.title ?? f.uri)}</td>
                  <td>${f.artist ?? ''} <br />${artistLink(f.did)}</td>
                  <td>
                    ${f.matched_kind === 'track' && f.matched_subject ? trackLink(f.matched_subject, f.matched_title) : f.matched_title}
                    by ${f.matched_artist} ${f.matched_isrc ? html`(ISRC ${f.matched_isrc})` : ''}
                    <small>[${f.source}]</small>
                  </td>
                  <td>${f.score === null ? '–' : f.score.toFixed(3)}</td>
                  <td>${f.overlap_s === null ? '–' : `${f.overlap_s.toFixed(1)} s`}</td>
                  <td>${f.offset_s === null ? '–' : `${f.offset_s.toFixed(1)} s`}</td>
                  <td>
                    ${f.status}${f.reason ? html` (${f.reason})` : ''}${f.resolved_by ? html` by ${f.resolved_by}` : ''}
                  </td>
                  <td>
                    ${
                      f.status === 'pending'
                        ? html`<a
                              href="/admin/flags/${f.id}/confirm"
                              hx-get="/admin/flags/${f.id}/confirm"
                              hx-target="#flag-${f.id}-actions"
                              >Confirm…</a
                            >
                            <a
                              href="/admin/flags/${f.id}/false-positive"
                              hx-get="/admin/flags/${f.id}/false-positive"
                              hx-target="#flag-${f.id}-actions"
                              >False positive…</a
                            >`
                        : ''
                    }
                    <a
                      href="/admin/accounts/${encodeURIComponent(f.did)}/takedown"
                      hx-get="/admin/accounts/${encodeURIComponent(f.did)}/takedown"
                      hx-target="#flag-${f.id}-actions"
                      >Take down account…</a
                    >
                    <div id="flag-${f.id}-actions"></div>
                  </td>
                </tr>`,
            )}
          </tbody>
        </table>
        <h2>Accounts taken down</h2>
        <ul>
          ${takedowns.map(
            (t) =>
              html`<li>
                ${artistLink(t.uri)}
                <a href="/admin/accounts/${encodeURIComponent(t.uri)}/restore">Reverse…</a>
              </li>`,
          )}
        </ul>
        <h2>Audit log</h2>
        <table>
          <thead><tr><th>When</th><th>Who</th><th>What</th><th>Subject</th><th>Why</th></tr></thead>
          <tbody>
            ${audit.map(
              (a) =>
                html`<tr>
                  <td>${new Date(a.at).toISOString()}</td>
                  <td>${a.actor}</td>
                  <td>${a.action}</td>
                  <td>${a.subject}</td>
                  <td>${a.reason ?? ''}</td>
                </tr>`,
            )}
          </tbody>
        </table>`
      res.type('html').send(page('Queue', body, csrf).value)
    } catch (err) {
      next(err)
    }
  })

  // the confirmation step of each action: a form that performs it
  const confirmStep = (
    req: Request,
    res: Response,
    action: string,
    question: string,
    extra: Html = html``,
  ) => {
    const csrf = auth.csrf(req, res, res.locals.moderator as string)
    const form = html`<form
      class="confirm"
      method="post"
      action="${action}"
      hx-post="${action}"
      hx-target="body"
    >
      <p>${question}</p>
      ${extra}
      <input type="hidden" name="csrf" value="${csrf}" />
      <button>Yes, do it</button> <a href="/admin">Cancel</a>
    </form>`
    res.type('html').send(req.get('hx-request') ? form.value : page('Confirm', form, csrf).value)
  }
  const flagId = (req: Request) => {
    const id = Number(req.params.id)
    if (!Number.isSafeInteger(id) || id < 1) throw new ModerationError('no such flag')
    return id
  }
  const did = (req: Request) => {
    const value = String(req.params.did)
    if (!/^did:[a-z]+:[a-zA-Z0-9._:%-]+$/.test(value)) throw new ModerationError('not a DID')
    return value
  }
  const reasonField = html`<label
      >Reason
      <select name="reason">
        ${Object.entries(FALSE_POSITIVE_REASONS).map(([k, v]) => html`<option value="${k}">${v}</option>`)}
      </select></label
    >
    <label>Note <input name="note" maxlength="500" /></label>`
  const whyField = html`<label>Why <input name="reason" maxlength="500" required /></label>`

  router.get('/flags/:id/confirm', guard, (req, res) =>
    confirmStep(
      req,
      res,
      `/admin/flags/${flagId(req)}/confirm`,
      'Confirm this flag? The label stays.',
    ),
  )
  router.get('/flags/:id/false-positive', guard, (req, res) =>
    confirmStep(
      req,
      res,
      `/admin/flags/${flagId(req)}/false-positive`,
      'Mark this flag a false positive? Its label is withdrawn.',
      reasonField,
    ),
  )
  router.get('/accounts/:did/takedown', guard, (req, res) =>
    confirmStep(
      req,
      res,
      `/admin/accounts/${encodeURIComponent(did(req))}/takedown`,
      `Take down ${did(req)}? Every view hides the account.`,
      whyField,
    ),
  )
  router.get('/accounts/:did/restore', guard, (req, res) =>
    confirmStep(
      req,
      res,
      `/admin/accounts/${encodeURIComponent(did(req))}/restore`,
      `Reverse the takedown of ${did(req)}?`,
      whyField,
    ),
  )

  const done = (req: Request, res: Response) => {
    if (req.get('hx-request')) res.setHeader('hx-redirect', '/admin')
    res.redirect(303, '/admin')
  }
  const text = (v: unknown) => (typeof v === 'string' ? v.slice(0, 500) : '')
  const act = (fn: (req: Request, moderator: string) => Promise<void>) =>
    [
      guard,
      async (req: Request, res: Response, next: NextFunction) => {
        try {
          await fn(req, res.locals.moderator as string)
          done(req, res)
        } catch (err) {
          next(err)
        }
      },
    ] as const
  router.post('/flags/:id/confirm', ...act((req, m) => moderation.confirm(flagId(req), m)))
  router.post(
    '/flags/:id/false-positive',
    ...act((req, m) =>
      moderation.falsePositive(
        flagId(req),
        m,
        text(req.body?.reason) as keyof typeof FALSE_POSITIVE_REASONS,
        text(req.body?.note),
      ),
    ),
  )
  router.post(
    '/accounts/:did/takedown',
    ...act((req, m) => moderation.takedown(did(req), m, text(req.body?.reason))),
  )
  router.post(
    '/accounts/:did/restore',
    ...act((req, m) => moderation.restore(did(req), m, text(req.body?.reason))),
  )

  router.use((err: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (err instanceof ModerationError) {
      res.status(400).type('text').send(err.message)
      return
    }
    next(err)
  })
  return router
}
