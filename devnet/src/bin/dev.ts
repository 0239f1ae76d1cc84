// npm run dev: a local PLC + PDS with demo artists (their audio and covers on a local media
// host), and plyr (AppView + indexer) on them.
import { PlyrService, REDACTED_PATHS, serviceConfigFromEnv } from '@plyr/appview'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { devLabeler } from '../labeler.js'
import { DevNetwork } from '../network.js'
import { seedDemo } from '../demo.js'
import { MediaHost } from '../demo-media.js'

const logger = pino({
  name: 'plyr-dev',
  level: process.env.LOG_LEVEL || 'info',
  redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
})
const namespace = process.env.PLYR_NAMESPACE || 'fm.plyr.dev'

const net = await DevNetwork.start({
  plcPort: Number(process.env.DEV_PLC_PORT || 2582),
  pdsPort: Number(process.env.DEV_PDS_PORT || 2583),
  jetstreamPort: Number(process.env.DEV_JETSTREAM_PORT || 2584),
  relayPort: Number(process.env.DEV_RELAY_PORT || 2585),
})
const labeler = await devLabeler(net, Number(process.env.DEV_LABELER_PORT || 2588))
// The network lives only as long as this process, so its index and media do too.
const dataDir = await mkdtemp(join(tmpdir(), 'plyr-dev-'))
const media = await MediaHost.start(
  join(dataDir, 'media'),
  Number(process.env.DEV_MEDIA_PORT || 2586),
)
const cfg = serviceConfigFromEnv({
  ...process.env,
  ...net.serviceEnv(),
  TRUSTED_MEDIA_ORIGINS: [process.env.TRUSTED_MEDIA_ORIGINS, media.url].filter(Boolean).join(','),
  ...labeler.env,
  PLYR_NAMESPACE: namespace,
  DATA_DIR: dataDir,
})
const service = await PlyrService.start(cfg, logger)
const { artists, album, playlist } = await seedDemo(net, namespace, media)
const pagePath = (kind: string, uri: string) => {
  const [did, , rkey] = uri.slice('at://'.length).split('/')
  return `${service.url}/${kind}/${did}/${rkey}`
}

console.log(`
plyr dev network is up (namespace ${namespace})

  Web client     ${service.url}/
    album          ${pagePath('album', album.uri)}
    playlist       ${pagePath('playlist', playlist.uri)}
  AppView        ${service.url}
    newest tracks  ${service.url}/xrpc/fm.plyr.feed.getLatestTracks
    health         ${service.url}/health
    via the PDS    atproto-proxy: ${service.server.ctx!.service.did}#plyr_appview
    sign in        ${new URL(service.server.ctx!.oauth.redirectUri).origin}/oauth/login?handle=<handle>
  Labeler        ${labeler.url}  (${labeler.account.did}, accepted by the AppView)
    labels         ${labeler.url}/xrpc/com.atproto.label.queryLabels?uriPatterns=*
  PDS            ${net.pdsUrl}
  Jetstream      ${net.jetstream.url}
  Relay          ${net.relay.url}
  PLC directory  ${net.plcUrl}
  Demo media     ${media.url}

Demo accounts (password = <name>-password):
${artists.map((a) => `  ${a.handle.padEnd(14)} ${a.did}  ${a.displayName}, ${a.tracks.length} tracks`).join('\n')}

Ctrl-C stops everything.`)

let stopping = false
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    void (async () => {
      await service.destroy()
      await media.destroy()
      await net.destroy()
      await rm(dataDir, { recursive: true, force: true })
      process.exit(0)
    })()
  })
}
