/**
 * Bounds on what a sender may ask for, checked when a task is sent (and on declarations). Each
 * keeps a promise the engine can hold: timers fire, records can be read, the index can be pruned.
 */

/** Countdown/ETA at most this far ahead (30 days): longer waits belong to a Beat schedule. */
export const MAX_COUNTDOWN_S = 30 * 86_400;

/**
 * Time limits at most 7 days: Node's timers overflow past 2^31-1 ms (about 24.8 days) and would
 * fire at once, killing the task as it starts.
 */
export const MAX_TIME_LIMIT_S = 7 * 86_400;

/** Nesting of args and kwargs at most this deep: every reader of a record walks it. */
export const MAX_ARGUMENT_DEPTH = 32;

/** How deep a value nests (a scalar is 0, `{a: 1}` is 1); stops counting past `limit`. */
export function nestingDepth(value: unknown, limit = MAX_ARGUMENT_DEPTH): number {
  // Iterative: a value nested thousands deep must not overflow the stack of its own check.
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length) {
    const [v, depth] = stack.pop()!;
    if (!v || typeof v !== 'object') continue;
    const here = depth + 1;
    deepest = Math.max(deepest, here);
    if (deepest > limit) return deepest;
    for (const child of Object.values(v as Record<string, unknown>)) stack.push([child, here]);
  }
  return deepest;
}
