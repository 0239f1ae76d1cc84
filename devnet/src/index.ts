export { type DevAccount, DevNetwork, type DevNetworkOptions } from './network.js'
export { seedDemo, type Demo, type DemoArtist, type DemoTrack } from './demo.js'
export { MediaHost, renderCover, renderPiece, type Piece } from './demo-media.js'
export { devLabeler, type DevLabeler } from './labeler.js'
