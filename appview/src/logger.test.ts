import { Writable } from 'node:stream'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { REDACTED_PATHS } from './logger.js'

describe('the root logger', () => {
  it('never writes session cookies, tokens, DPoP keys or secrets', () => {
    const lines: string[] = []
    const out = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk))
        done()
      },
    })
    const logger = pino({ redact: { paths: REDACTED_PATHS, censor: '[redacted]' } }, out)
    logger.info({
      req: {
        headers: { cookie: 'plyr_session=c00k1e', authorization: 'Bearer plyr_1234abcd_s3cret' },
      },
      tokenSet: { access_token: 'acc3ss', refresh_token: 'r3fresh' },
      session: { dpopJwk: { d: 'pr1vate' }, tokenSet: { access_token: 'acc3ss2' } },
      cfg: { sessionSecret: 'sess10n-secret', oauthPrivateKeys: [{ d: 'k3y' }] },
      token: 'plyr_1234abcd_t0ken',
      did: 'did:plc:kept',
    })
    const line = lines.join('')
    for (const secret of [
      'c00k1e',
      's3cret',
      'acc3ss',
      'r3fresh',
      'pr1vate',
      'sess10n',
      'k3y',
      't0ken',
    ]) {
      expect(line).not.toContain(secret)
    }
    expect(line).toContain('did:plc:kept')
  })
})
