import type { HydrationState } from '../hydration/hydrator.js'
import { applyRules, type RuledState } from '../rules/apply.js'
import type { Reader } from './reader.js'

/** What each step of a read sees: the method's parameters and who reads. */
export type ReadInput<Params> = { params: Params; reader: Reader }

/**
 * A read method, as four steps over one hydration state:
 *
 * 1. **skeleton**: the page's ids and its cursor, from one indexed query (`skeleton/`,
 *    ordered and paged by a keyset of `keysets.ts`);
 * 2. **hydration**: everything the page mentions, in batched lookups (`hydration/`);
 * 3. **rules**: `applyRules` decides visibility and trusted media over the whole state
 *    (`rules/`); the method's rules then keep what may be shown, or throw the typed error
 *    of a hidden subject;
 * 4. **presentation**: pure functions of the ruled state (`views/`) build the output.
 */
export type ReadMethod<Params, Skeleton, Output> = {
  skeleton: (input: ReadInput<Params>) => Promise<Skeleton>
  hydration: (input: ReadInput<Params>, skeleton: Skeleton) => Promise<HydrationState>
  rules: (input: ReadInput<Params>, skeleton: Skeleton, state: RuledState) => Skeleton
  presentation: (input: ReadInput<Params>, skeleton: Skeleton, state: RuledState) => Output
}

/** The four steps run in order: a function from a request to the method's output. */
export function createPipeline<Params, Skeleton, Output>(
  method: ReadMethod<Params, Skeleton, Output>,
): (input: ReadInput<Params>) => Promise<Output> {
  return async (input) => {
    const skeleton = await method.skeleton(input)
    const state = applyRules(await method.hydration(input, skeleton))
    return method.presentation(input, method.rules(input, skeleton, state), state)
  }
}
