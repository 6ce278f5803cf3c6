/**
 * How long work that is not the gateway's (loading the API's code on its first request) pauses
 * between its pieces: each gateway request in flight needs several turns of the event loop
 * (authentication, the upstream call, settlement), and with only the next turn between pieces
 * (setImmediate) every one of its turns waited for another piece. 20 ms lets most finish.
 */
export const GIVE_WAY_MS = 20;

/** Resolves after GIVE_WAY_MS, the gateway's requests served meanwhile. */
export function giveWay(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, GIVE_WAY_MS));
}
