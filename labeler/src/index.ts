export { type LabelerConfig, labelerConfigFromEnv } from './config.js'
export { Labeler } from './labeler.js'
export { labelBytes, type SignedLabel, signLabel, type UnsignedLabel } from './sign.js'
export type { LabelInput, LabelRow } from './store.js'
