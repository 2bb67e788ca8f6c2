/**
 * The base of every error baton throws on purpose. Each module keeps its narrow subclasses in its
 * own `errors.ts`; `instanceof BatonError` tells them apart from bugs and from library errors.
 * Workflow-safe (no Node built-ins), so workflows and the domain throw these too.
 */
export class BatonError extends Error {
  constructor(message?: string, options?: ErrorOptions) {
    super(message, options);
    // The subclass's own name, so messages and stacks print as `NodeNotFoundError: …`. The
    // workflow bundle is not minified, so class names survive there too.
    this.name = new.target.name;
  }
}
