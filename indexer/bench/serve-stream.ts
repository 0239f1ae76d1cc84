// Child process of the benchmark: serves the generated stream as a Jetstream host on a
// free port (printed as `{"url","lastTimeUs","events"}`), honouring `cursor` and socket
// backpressure, so the indexer under test has the whole machine's view of a real host.
import { once } from 'node:events'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer } from 'ws'
import { generateStream } from './stream.js'

const events = Number(process.env.BENCH_EVENTS || 200_000)
const actors = Number(process.env.BENCH_ACTORS || 5_000)

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

const http = createServer()
const wss = new WebSocketServer({ server: http, path: '/subscribe' })
wss.on('connection', (socket, req) => {
  const cursor = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('cursor') ?? 0)
  let i = cursor > 0 ? messages.findIndex((m) => timeOf(m) > cursor) : 0
  if (i < 0) i = messages.length
  const pump = () => {
    while (i < messages.length && socket.readyState === socket.OPEN) {
      socket.send(messages[i++]!)
      if (socket.bufferedAmount > 1 << 20) return void setTimeout(pump, 1)
    }
  }
  pump()
})
http.listen(0, '127.0.0.1')
await once(http, 'listening')
const { port } = http.address() as AddressInfo
console.log(JSON.stringify({ url: `ws://127.0.0.1:${port}`, lastTimeUs, events: messages.length }))
