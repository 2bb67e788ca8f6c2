/** The Temporal dev server exited or did not answer in time; the message carries its log tail. */
export class DevServerStartError extends Error {
  override readonly name = 'DevServerStartError';
}

export function isDevServerStartError(err: unknown): err is DevServerStartError {
  return err instanceof DevServerStartError;
}
