import { AudioEngine } from './engine.js'
import { PlayerStore } from './store.js'

/** The one player of this tab, shared by the bar and every page. */
export const store = new PlayerStore()
export const engine = new AudioEngine(store)
