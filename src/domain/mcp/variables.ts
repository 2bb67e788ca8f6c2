/**
 * `${VAR}` references in MCP server settings, the syntax Claude Code's `.mcp.json` uses: `${VAR}`
 * takes the variable from the worker's environment, `${VAR:-default}` falls back to `default`.
 * References stay unexpanded in configuration and in workflow history, and are expanded only when
 * the worker starts a server, so secrets never travel through Temporal. Workflow-safe.
 */

const REFERENCE = /\$\{([^}]*)\}/g;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface Reference {
  name: string;
  fallback?: string;
}

function parseReference(body: string): Reference | undefined {
  const at = body.indexOf(':-');
  const name = at === -1 ? body : body.slice(0, at);
  if (!NAME.test(name)) return undefined;
  return at === -1 ? { name } : { name, fallback: body.slice(at + 2) };
}

/**
 * Why the references in `text` are malformed, or undefined when they are fine (or absent).
 * @example variableSyntaxProblem('${API KEY}') // "'${API KEY}' is not a variable reference …"
 */
export function variableSyntaxProblem(text: string): string | undefined {
  for (const match of text.matchAll(REFERENCE)) {
    if (parseReference(match[1] ?? '') === undefined) {
      return `'${match[0]}' is not a variable reference: write \${NAME} or \${NAME:-default}, NAME being letters, digits and '_'`;
    }
  }
  const rest = text.replace(REFERENCE, '');
  if (rest.includes('${')) return "a '${' has no closing '}'";
  return undefined;
}

/** The result of {@link expandVariables}: the text, or the variables that were missing. */
export type Expansion = { ok: true; text: string } | { ok: false; missing: string[] };

/**
 * Replaces `${VAR}` and `${VAR:-default}` with values from `env`. An empty variable counts as set
 * for `${VAR}` and as unset for `${VAR:-default}`, as in the shell.
 * @example expandVariables('${HOME}/x', { HOME: '/home/me' }) // { ok: true, text: '/home/me/x' }
 */
export function expandVariables(text: string, env: Readonly<Record<string, string | undefined>>): Expansion {
  const missing: string[] = [];
  const expanded = text.replace(REFERENCE, (whole, body: string) => {
    const ref = parseReference(body);
    if (!ref) return whole;
    const value = env[ref.name];
    if (ref.fallback !== undefined) return value === undefined || value === '' ? ref.fallback : value;
    if (value === undefined) {
      missing.push(ref.name);
      return whole;
    }
    return value;
  });
  return missing.length > 0 ? { ok: false, missing: [...new Set(missing)] } : { ok: true, text: expanded };
}
