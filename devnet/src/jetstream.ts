import { keepConnectionsAlive } from '@plyr/core'
import { once } from 'node:events'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { lexToJson } from '@atproto/lex'
import { IdResolver } from '@atproto/identity'
import { Firehose, type Event } from '@atproto/sync'
import { WebSocketServer, type WebSocket } from 'ws'

type Subscriber = { socket: WebSocket; wants: (collection: string) => boolean }

/**
 * A Jetstream for the dev network: follows the PDS firehose (verifying commits) and
 * serves Jetstream's JSON over `/subscribe`, with `wantedCollections` (exact or `a.b.*`)
 * and `cursor` (time_us) replay from memory. Like the real one, identity and account
 * events ignore `wantedCollections`.
 */
export class DevJetstream {
  private readonly history: { timeUs: number; collection?: string; text: string }[] = []
  private readonly subscribers = new Set<Subscriber>()
  private lastTimeUs = 0

  private constructor(
    private readonly http: Server,
    private readonly wss: WebSocketServer,
    private readonly firehose: Firehose,
    readonly url: string,
  ) {}

  static async start(opts: {
    pdsUrl: string
    plcUrl: string
    port?: number
  }): Promise<DevJetstream> {
    const http = createServer((_req, res) => res.writeHead(404).end())
    const wss = new WebSocketServer({ noServer: true })
    const ref: { self?: DevJetstream } = {}
    const firehose = new Firehose({
      service: opts.pdsUrl.replace(/^http/, 'ws'),
      idResolver: new IdResolver({ plcUrl: opts.plcUrl, fetch: globalThis.fetch }),
      handleEvent: (evt) => ref.self?.publish(evt),
      onError: () => {},
    })
    http.on('upgrade', (req, socket, head) => {
      const url = new URL(req.url ?? '/', 'http://localhost')
      if (url.pathname !== '/subscribe') return socket.destroy()
      wss.handleUpgrade(req, socket, head, (ws) => ref.self?.subscribe(ws, url.searchParams))
    })
    keepConnectionsAlive(http).listen(opts.port ?? 0, '127.0.0.1')
    await once(http, 'listening')
    const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}`
    const self = new DevJetstream(http, wss, firehose, url)
    ref.self = self
    void firehose.start()
    return self
  }

  private nextTimeUs(): number {
    this.lastTimeUs = Math.max(this.lastTimeUs + 1, Date.now() * 1000)
    return this.lastTimeUs
  }

  private publish(evt: Event): void {
    const time_us = this.nextTimeUs()
    let msg: Record<string, unknown>
    let collection: string | undefined
    if (evt.event === 'create' || evt.event === 'update' || evt.event === 'delete') {
      collection = evt.collection
      msg = {
        did: evt.did,
        time_us,
        kind: 'commit',
        commit: {
          rev: evt.rev,
          operation: evt.event,
          collection: evt.collection,
          rkey: evt.rkey,
          ...(evt.event === 'delete'
            ? {}
            : { record: lexToJson(evt.record), cid: evt.cid.toString() }),
        },
      }
    } else if (evt.event === 'identity') {
      msg = {
        did: evt.did,
        time_us,
        kind: 'identity',
        identity: { did: evt.did, handle: evt.handle, seq: evt.seq, time: evt.time },
      }
    } else if (evt.event === 'account') {
      msg = {
        did: evt.did,
        time_us,
        kind: 'account',
        account: {
          did: evt.did,
          active: evt.active,
          status: evt.status,
          seq: evt.seq,
          time: evt.time,
        },
      }
    } else return
    const entry = { timeUs: time_us, collection, text: JSON.stringify(msg) }
    this.history.push(entry)
    for (const sub of this.subscribers) {
      if (!collection || sub.wants(collection)) sub.socket.send(entry.text)
    }
  }

  private subscribe(socket: WebSocket, params: URLSearchParams): void {
    const wanted = params.getAll('wantedCollections')
    const wants = (c: string) =>
      wanted.length === 0 ||
      wanted.some((w) => (w.endsWith('.*') ? c.startsWith(w.slice(0, -1)) : c === w))
    const cursor = Number(params.get('cursor'))
    if (Number.isFinite(cursor) && cursor > 0) {
      for (const e of this.history) {
        if (e.timeUs > cursor && (!e.collection || wants(e.collection))) socket.send(e.text)
      }
    }
    const sub = { socket, wants }
    this.subscribers.add(sub)
    socket.on('close', () => this.subscribers.delete(sub))
  }

  async destroy(): Promise<void> {
    await this.firehose.destroy()
    for (const { socket } of this.subscribers) socket.terminate()
    this.wss.close()
    this.http.closeAllConnections()
    await new Promise((resolve) => this.http.close(resolve))
  }
}
