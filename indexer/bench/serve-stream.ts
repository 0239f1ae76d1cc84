// Child process of the benchmark: serves the generated stream as a Jetstream host on a
// free port, and its first BENCH_COMPARE_EVENTS events as another (printed as
// `{"url","lastTimeUs","events","prefix":{…the same}}`), honouring `cursor` and socket
// backpressure, so the indexer under test has the whole machine's view of a real host.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { generateStream } from './stream.js'

const events = Number(process.env.BENCH_EVENTS || 200_000)
const actors = Number(process.env.BENCH_ACTORS || 5_000)
const prefixEvents = Number(process.env.BENCH_COMPARE_EVENTS || 20_000)

// time_us is read back from each message's end, so messages are kept as generated
const messages: string[] = []
const gen = generateStream({ events, actors })
let next = gen.next()
while (!next.done) {
  messages.push(next.value)
  next = gen.next()
}
const lastTimeUs = next.value
const timeOf = (m: string) => Number(/"time_us":(\d+)/.exec(m)![1])

/** Serves `served` as a Jetstream host on a free port; resolves to its URL. */
async function serve(served: string[]): Promise<string> {
  const http = createServer()
  const wss = new WebSocketServer({ server: http, path: '/subscribe' })
  wss.on('connection', (socket, req) => {
    const cursor = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('cursor') ?? 0)
    let i = cursor > 0 ? served.findIndex((m) => timeOf(m) > cursor) : 0
    if (i < 0) i = served.length
    const pump = () => {
      while (i < served.length && socket.readyState === socket.OPEN) {
        socket.send(served[i++]!)
        if (socket.bufferedAmount > 1 << 20) return void setTimeout(pump, 1)
      }
    }
    pump()
  })
  http.listen(0, '127.0.0.1')
  await once(http, 'listening')
  return `ws://127.0.0.1:${(http.address() as AddressInfo).port}`
}

const prefix = messages.slice(0, Math.min(prefixEvents, messages.length))
console.log(
  JSON.stringify({
    url: await serve(messages),
    lastTimeUs,
    events: messages.length,
    prefix: { url: await serve(prefix), lastTimeUs: timeOf(prefix.at(-1)!), events: prefix.length },
  }),
)
