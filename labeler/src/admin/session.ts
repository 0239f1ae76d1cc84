import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Request, Response } from 'express'

const COOKIE = 'plyr_admin'

export type AdminAuthOptions = {
  /** ADMIN_DIDS: accounts signed in through plyr that may moderate. */
  adminDids: ReadonlySet<string>
  /** ADMIN_TOKEN: a shared secret for use before (or besides) sign-in. */
  adminToken?: string
  /** The signed-in account of a request (plyr's session cookie), when plyr runs here. */
  signedIn?: (req: Request, res: Response) => Promise<string | null>
  /** Cookies marked Secure (an https deployment). */
  secure: boolean
  /** What CSRF tokens and the token cookie are derived under. */
  secret: Buffer
}

const mac = (secret: Buffer, ...parts: string[]) =>
  createHmac('sha256', secret).update(parts.join('\n')).digest('base64url')

const same = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

function readCookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=')
    if (k === name) return v.join('=')
  }
  return undefined
}

/**
 * Who may use /admin: an account in ADMIN_DIDS signed in through plyr, or a browser that
 * presented ADMIN_TOKEN (which then holds a cookie derived from it: HttpOnly,
 * SameSite=Strict, never the token itself). Forms carry a CSRF token bound to that
 * identity and to the admin cookie or session.
 */
export class AdminAuth {
  constructor(private readonly opts: AdminAuthOptions) {}

  /**
   * Who a request is: `moderator` is the name for the audit log (their DID, or
   * `admin-token`); `account` a signed-in plyr account, which is a moderator only when in
   * ADMIN_DIDS. Neither: signed out.
   */
  async who(req: Request, res: Response): Promise<{ moderator?: string; account?: string }> {
    const cookie = readCookie(req, COOKIE)
    if (cookie && this.opts.adminToken && same(cookie, this.tokenCookie())) {
      return { moderator: 'admin-token' }
    }
    const did = await this.opts.signedIn?.(req, res).catch(() => null)
    if (!did) return {}
    return this.opts.adminDids.has(did) ? { moderator: did, account: did } : { account: did }
  }

  /** Whether moderators may sign in through plyr here (the AppView mounts /admin). */
  get plyrSignIn(): boolean {
    return this.opts.signedIn !== undefined
  }

  get tokenLogin(): boolean {
    return this.opts.adminToken !== undefined
  }

  /** Checks a presented token; on success the browser gets the admin cookie. */
  login(token: string, res: Response): boolean {
    if (
      !this.opts.adminToken ||
      !same(
        mac(this.opts.secret, 'token', token),
        mac(this.opts.secret, 'token', this.opts.adminToken),
      )
    ) {
      return false
    }
    res.cookie(COOKIE, this.tokenCookie(), {
      httpOnly: true,
      sameSite: 'strict',
      secure: this.opts.secure,
      path: '/admin',
      maxAge: 12 * 3600_000,
    })
    return true
  }

  logout(res: Response): void {
    res.clearCookie(COOKIE, { path: '/admin' })
  }

  /** The CSRF token of a moderator's forms, bound to a per-browser nonce cookie. */
  csrf(req: Request, res: Response, moderator: string): string {
    let nonce = readCookie(req, `${COOKIE}_csrf`)
    if (!nonce || !/^[A-Za-z0-9_-]{20,64}$/.test(nonce)) {
      nonce = randomBytes(24).toString('base64url')
      res.cookie(`${COOKIE}_csrf`, nonce, {
        httpOnly: true,
        sameSite: 'strict',
        secure: this.opts.secure,
        path: '/admin',
      })
    }
    return mac(this.opts.secret, 'csrf', moderator, nonce)
  }

  checkCsrf(req: Request, moderator: string, presented: unknown): boolean {
    const nonce = readCookie(req, `${COOKIE}_csrf`)
    return (
      typeof presented === 'string' &&
      nonce !== undefined &&
      same(presented, mac(this.opts.secret, 'csrf', moderator, nonce))
    )
  }

  private tokenCookie(): string {
    return mac(this.opts.secret, 'admin-cookie', this.opts.adminToken ?? '')
  }
}
