import { hydrate } from '../hydration/hydrator.js'
import { keepVisible, type RuledState } from '../rules/apply.js'
import { presentTracks } from '../views/track.js'
import type { ReadInput } from './pipeline.js'

/** The skeleton of a method that lists tracks: their uris, in order, and the cursor. */
export type TrackPage = { tracks: string[]; cursor?: string }

/**
 * The steps after such a skeleton, shared by the methods that list tracks and nothing
 * else: hydrate the tracks, keep the visible ones, present them with the cursor.
 */
export const trackPage = {
  hydration({ reader }: ReadInput<unknown>, skeleton: TrackPage) {
    return hydrate(reader, { tracks: skeleton.tracks })
  },
  rules(_input: ReadInput<unknown>, skeleton: TrackPage, state: RuledState): TrackPage {
    return { ...skeleton, tracks: keepVisible(state, skeleton.tracks) }
  },
  presentation({ reader }: ReadInput<unknown>, skeleton: TrackPage, state: RuledState) {
    return {
      tracks: presentTracks(skeleton.tracks, state, reader.publicUrl),
      ...(skeleton.cursor ? { cursor: skeleton.cursor } : {}),
    }
  },
}
