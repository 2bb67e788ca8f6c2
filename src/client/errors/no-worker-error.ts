/** No baton worker polls the task queue, so a request would wait forever. */
export class NoWorkerError extends Error {
  override readonly name = 'NoWorkerError';
}

export function isNoWorkerError(err: unknown): err is NoWorkerError {
  return err instanceof NoWorkerError;
}
