import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import type { DevAccount } from '../src/network.js'

/** Debian's Chromium, headless, with a fresh profile (playwright makes one per launch). */
export function launchChromium(args: string[] = []): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      ...args,
    ],
  })
}

/** A browser context as a user's: English, so the PDS's buttons have known names. */
export function newUserContext(
  browser: Browser,
  opts: { ignoreHTTPSErrors?: boolean } = {},
): Promise<BrowserContext> {
  return browser.newContext({ locale: 'en-US', ...opts })
}

/**
 * Signs `account` in through plyr's `/oauth/login` and the PDS's own consent screen
 * (password, "Sign in", "Authorize"); resolves once the browser is back on plyr.
 */
export async function signIn(
  page: Page,
  appUrl: string,
  account: DevAccount,
  path = `/oauth/login?handle=${account.handle}&returnTo=/`,
): Promise<URL> {
  await page.goto(`${appUrl}${path}`)
  await signInAtPds(page, account)
  await page.getByRole('button', { name: 'Authorize' }).click()
  await page.waitForURL((url) => url.origin === new URL(appUrl).origin, { timeout: 30_000 })
  return new URL(page.url())
}

/**
 * On the PDS's authorization page: signs in with the password unless the PDS remembers
 * this browser's sign-in, then waits for the consent screen.
 */
export async function signInAtPds(page: Page, account: DevAccount): Promise<void> {
  const password = page.locator('input[name="password"]')
  const authorize = page.getByRole('button', { name: 'Authorize' })
  await password.or(authorize).first().waitFor({ timeout: 30_000 })
  if (await password.isVisible()) {
    await password.fill(account.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
  }
  await authorize.waitFor({ timeout: 30_000 })
}

export type Answer = { status: number; body: Record<string, unknown> | null }

/** An XRPC call made by the page (its cookie, its Origin), as plyr's web client makes it. */
export function xrpcFromPage(
  page: Page,
  nsid: string,
  input?: Record<string, unknown>,
): Promise<Answer> {
  return page.evaluate(
    async ({ nsid, input }) => {
      const res = await fetch(
        `/xrpc/${nsid}`,
        input === undefined
          ? {}
          : {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify(input),
            },
      )
      const text = await res.text()
      return {
        status: res.status,
        body: text ? (JSON.parse(text) as Record<string, unknown>) : null,
      }
    },
    { nsid, input },
  )
}

/** A POST to a plain route made by the page. */
export function postFromPage(page: Page, path: string): Promise<number> {
  return page.evaluate(async (path) => (await fetch(path, { method: 'POST' })).status, path)
}

/** A developer token for `account`, made through the PDS's consent screen in Chromium. */
export async function developerToken(browser: Browser, appUrl: string, account: DevAccount) {
  const context = await newUserContext(browser)
  const page = await context.newPage()
  await page.goto(`${appUrl}/oauth/tokens/new?handle=${account.handle}&name=uploads`)
  await signInAtPds(page, account)
  await page.getByRole('button', { name: 'Authorize' }).click()
  await page.waitForURL((url) => url.origin === appUrl, { timeout: 30_000 })
  const token = (await page.textContent('#token'))!.trim()
  await context.close()
  return token
}
