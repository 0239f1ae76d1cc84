// npm run labeler:setup: publishes the labeler's key, endpoint and declaration through the
// labeler account's PDS (LABELER_PASSWORD; LABELER_PLC_TOKEN once the PDS e-mailed it).
import { ConfigError } from '@plyr/core'
import pino from 'pino'
import { labelerConfigFromEnv } from '../config.js'
import { setupLabeler } from '../setup.js'
import { resolveSigningKey } from '../signing-key.js'

const logger = pino({ level: process.env.LOG_LEVEL || 'info', name: 'labeler-setup' })

try {
  const cfg = labelerConfigFromEnv()
  if (!cfg) throw new ConfigError('LABELER_DID must be set')
  const password = process.env.LABELER_PASSWORD
  if (!password)
    throw new ConfigError('LABELER_PASSWORD (the labeler account password) must be set')
  const key = await resolveSigningKey(cfg.signingKey, cfg.dataDir, logger)
  const endpoint = cfg.publicUrl ?? `http://localhost:${cfg.port}`
  const result = await setupLabeler({
    did: cfg.did,
    password,
    signingDidKey: key.did(),
    endpoint,
    identity: cfg.identity,
    plcToken: process.env.LABELER_PLC_TOKEN || undefined,
  })
  if (result.state === 'token-requested') {
    console.log(
      'The PDS e-mailed a confirmation token to the labeler account: run again with LABELER_PLC_TOKEN=<token>.',
    )
  } else {
    console.log(
      JSON.stringify({
        did: cfg.did,
        key: key.did(),
        endpoint,
        didDocumentUpdated: result.didDocumentUpdated,
      }),
    )
  }
} catch (err) {
  logger.fatal({ err }, 'labeler setup failed')
  process.exit(1)
}
