/** Checkpoint names are shown in tables and typed on command lines: keep them short and plain. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/;

/** Why `name` cannot name a checkpoint, or undefined when it can. */
export function checkpointNameProblem(name: string): string | undefined {
  if (typeof name !== 'string' || !NAME.test(name)) {
    return (
      `'${String(name).slice(0, 40)}' is not a valid checkpoint name: use up to 64 letters, digits, ` +
      "'_', '.', ':' or '-', starting with a letter or digit."
    );
  }
  return undefined;
}
