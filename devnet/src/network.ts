import { keepConnectionsAlive } from '@plyr/core'
import { mkdtemp, rm } from 'node:fs/promises'
import { type AddressInfo, createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Secp256k1Keypair } from '@atproto/crypto'
import { Client } from '@atproto/lex'
import { PDS } from '@atproto/pds'
import * as plc from '@did-plc/server'
import { DevJetstream } from './jetstream.js'
import { DevRelay } from './relay.js'

export type DevAccount = {
  did: `did:${string}:${string}`
  handle: string
  password: string
  /** The session's access token on the dev PDS. */
  accessJwt: string
  /** An authenticated client writing to this account's repo on the dev PDS. */
  client: Client
}

export type DevNetworkOptions = {
  /** Fixed ports for `npm run dev`; 0 (the default) picks free ones. */
  plcPort?: number
  pdsPort?: number
  jetstreamPort?: number
  relayPort?: number
  /** The PDS's largest blob (default 100 MB, the track record's audioBlob maximum). */
  blobUploadLimit?: number
}

/**
 * A PLC directory, a PDS and a Jetstream on localhost, with no internet: what `npm run
 * dev` runs and what end-to-end tests start and stop (`await using net = await
 * DevNetwork.start()`).
 */
export class DevNetwork implements AsyncDisposable {
  private constructor(
    readonly plcUrl: string,
    readonly pdsUrl: string,
    private readonly plcServer: plc.PlcServer,
    private readonly pds: PDS,
    readonly jetstream: DevJetstream,
    readonly relay: DevRelay,
    private readonly dataDir: string,
  ) {}

  static async start(opts: DevNetworkOptions = {}): Promise<DevNetwork> {
    const plcServer = plc.PlcServer.create({ db: plc.Database.mock(), port: opts.plcPort ?? 0 })
    // the PLC server is Node's http with its 5 s default: kept open as plyr's own servers are
    const plcListener = keepConnectionsAlive(await plcServer.start())
    const plcUrl = `http://localhost:${(plcListener.address() as AddressInfo).port}`

    const dataDir = await mkdtemp(join(tmpdir(), 'plyr-devnet-'))
    const rotationKey = await Secp256k1Keypair.create({ exportable: true })
    const recoveryKey = await Secp256k1Keypair.create()
    // The PDS must know its own URL (DID documents point at it), so pick the port first.
    const pdsPort = opts.pdsPort || (await freePort())
    const pds = await PDS.fromEnv({
      devMode: true,
      port: pdsPort,
      hostname: 'localhost',
      dataDirectory: dataDir,
      blobstoreDiskLocation: join(dataDir, 'blobs'),
      didPlcUrl: plcUrl,
      recoveryDidKey: recoveryKey.did(),
      plcRotationKeyK256PrivateKeyHex: Buffer.from(await rotationKey.export()).toString('hex'),
      jwtSecret: 'plyr-devnet-jwt-secret',
      adminPassword: 'plyr-devnet-admin',
      serviceHandleDomains: ['.test'],
      inviteRequired: false,
      // A PDS proxying `atproto-proxy: <did>#plyr_appview` resolves the AppView's DID and
      // forwards to its service endpoint. With SSRF protection on (production) it fetches a
      // did:web only over https on the default port and proxies only to https on public
      // addresses; the dev AppView is did:web:localhost%3A<port> at http://localhost:<port>.
      disableSsrfProtection: true,
      // audio files are larger than the default 5 MB blob limit
      blobUploadLimit: opts.blobUploadLimit ?? 100 * 1024 * 1024,
      bskyAppViewUrl: 'https://appview.invalid',
      bskyAppViewDid: 'did:example:invalid',
      modServiceUrl: 'https://moderator.invalid',
      modServiceDid: 'did:example:invalid',
      crawlers: [],
    })
    await pds.start()
    const pdsUrl = `http://localhost:${pdsPort}`
    const jetstream = await DevJetstream.start({ pdsUrl, plcUrl, port: opts.jetstreamPort })
    const relay = await DevRelay.start({ pdsUrl, port: opts.relayPort })
    return new DevNetwork(plcUrl, pdsUrl, plcServer, pds, jetstream, relay, dataDir)
  }

  /** The PDS's firehose, for the indexer. */
  get firehoseUrl(): string {
    return this.pdsUrl.replace(/^http/, 'ws')
  }

  /** Environment for plyr services pointed at this network (Jetstream unless told otherwise). */
  serviceEnv(source: 'jetstream' | 'firehose' = 'jetstream'): Record<string, string> {
    return {
      INDEXER_SOURCE: source,
      JETSTREAM_URL: this.jetstream.url,
      FIREHOSE_URL: this.firehoseUrl,
      PLC_URL: this.plcUrl,
      HANDLE_RESOLVER_URL: this.pdsUrl,
      RELAY_URL: this.relay.url,
      IDENTITY_ALLOW_PRIVATE_NETWORK: 'true',
    }
  }

  async createAccount(name: string): Promise<DevAccount> {
    const handle = `${name}.test`
    const password = `${name}-password`
    const res = await fetch(`${this.pdsUrl}/xrpc/com.atproto.server.createAccount`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle, password, email: `${name}@example.test` }),
    })
    if (!res.ok)
      throw new Error(`createAccount ${handle} failed: ${res.status} ${await res.text()}`)
    const session = (await res.json()) as { did: DevAccount['did']; accessJwt: string }
    const client = new Client({
      did: session.did,
      service: this.pdsUrl,
      headers: { authorization: `Bearer ${session.accessJwt}` },
    })
    return { did: session.did, handle, password, accessJwt: session.accessJwt, client }
  }

  /** The PLC operation token the PDS would e-mail the account (its operator reads it here). */
  plcToken(did: string): Promise<string> {
    return this.pds.ctx.accountManager.createEmailToken(did as DevAccount['did'], 'plc_operation')
  }

  async destroy(): Promise<void> {
    await this.relay.destroy()
    await this.jetstream.destroy()
    await this.pds.destroy()
    await this.plcServer.destroy()
    await rm(this.dataDir, { recursive: true, force: true })
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.destroy()
  }
}

/** A TCP port on loopback that nothing listens on (at the time of asking). */
export async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  await new Promise((resolve) => server.close(resolve))
  return port
}
