import { execFile } from 'node:child_process'
import dns from 'node:dns'
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { request } from 'node:http'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import tls from 'node:tls'
import { promisify } from 'node:util'

/**
 * A local stand-in for a public https host, for testing the confidential OAuth client:
 * a self-signed certificate for `hostname` (a name no resolver knows), this process made
 * to resolve the name to 127.0.0.1 and to trust the certificate (the dev PDS runs in this
 * process and fetches the client's metadata and keys over https), and a TLS-terminating
 * proxy in front of the AppView, as a production deployment has.
 */
export async function localHttpsHost(hostname: string, targetPort: number) {
  const dir = await mkdtemp(join(tmpdir(), 'plyr-https-'))
  await promisify(execFile)('openssl', [
    'req',
    '-x509',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:prime256v1',
    '-nodes',
    '-days',
    '1',
    '-subj',
    `/CN=${hostname}`,
    '-addext',
    `subjectAltName=DNS:${hostname}`,
    '-keyout',
    join(dir, 'key.pem'),
    '-out',
    join(dir, 'cert.pem'),
  ])
  const key = await readFile(join(dir, 'key.pem'), 'utf8')
  const cert = await readFile(join(dir, 'cert.pem'), 'utf8')
  await rm(dir, { recursive: true, force: true })

  const defaultCAs = tls.getCACertificates('default')
  tls.setDefaultCACertificates([...defaultCAs, cert])
  const lookup = dns.lookup
  dns.lookup = ((host: string, options: unknown, callback?: unknown) => {
    if (host !== hostname) return (lookup as (...args: unknown[]) => void)(host, options, callback)
    const cb = (typeof options === 'function' ? options : callback) as (...args: unknown[]) => void
    const all = typeof options === 'object' && (options as { all?: boolean } | null)?.all
    if (all) cb(null, [{ address: '127.0.0.1', family: 4 }])
    else cb(null, '127.0.0.1', 4)
  }) as typeof dns.lookup

  const proxy: Server = createServer({ key, cert }, (req, res) => {
    const upstream = request(
      {
        host: '127.0.0.1',
        port: targetPort,
        path: req.url,
        method: req.method,
        headers: req.headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(res)
      },
    )
    upstream.on('error', () => res.destroy())
    req.pipe(upstream)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  const port = (proxy.address() as AddressInfo).port
  return {
    port,
    url: `https://${hostname}:${port}`,
    async [Symbol.asyncDispose]() {
      dns.lookup = lookup
      tls.setDefaultCACertificates(defaultCAs)
      proxy.closeAllConnections()
      await new Promise((resolve) => proxy.close(resolve))
    },
  }
}
