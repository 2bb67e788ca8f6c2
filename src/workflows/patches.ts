/**
 * Patch ids for `patched()`: a workflow code path that recorded histories exercise changes only
 * behind one of these, so runs recorded before the change replay as they ran. A patch costs a new
 * run a marker and a search-attribute upsert in its history, so changes that landed together share
 * one id.
 */

/**
 * Search attributes written in steps (only changed values, context fill in whole percents) and the
 * promise-chain step queue instead of a mutex.
 */
export const PATCH_LEAN_TURNS = 'lean-turns';
