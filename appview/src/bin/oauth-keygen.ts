// npm run oauth:keygen [-- <kid>]: a new private key for OAUTH_PRIVATE_KEYS, as JSON.
import { generatePrivateKey } from '../oauth/keys.js'

const kid = process.argv[2] ?? `plyr-${new Date().toISOString().slice(0, 10)}`
console.log(JSON.stringify(await generatePrivateKey(kid)))
