export { type DevAccount, DevNetwork, type DevNetworkOptions } from './network.js'
export { seedDemo, type DemoArtist } from './demo.js'
export { devLabeler, type DevLabeler } from './labeler.js'
