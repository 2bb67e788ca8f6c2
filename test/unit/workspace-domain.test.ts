/** The pure workspace rules in src/domain/workspace: tools, inputs, paths, policy, summaries, output, gates. */
import { describe, expect, it } from 'vitest';
import {
  absoluteWorkspacePath,
  BASH_TOOL_NAME,
  commandPolicyProblem,
  cutOutput,
  decideCommand,
  EDITOR_TOOL_NAME,
  gateVerdict,
  interruptedToolMessage,
  InvalidCommandPolicyError,
  isWorkspaceToolName,
  outputTail,
  parseBashInput,
  parseCommandPolicy,
  parseEditorInput,
  simpleCommands,
  toolCallSummary,
  verifySummary,
  workspacePath,
  workspaceToolDefinitions,
  type CommandPolicy,
  type VerificationResult,
} from '../../src/domain/workspace';

describe('tool definitions', () => {
  it('offers the text editor and bash tools by type and name only', () => {
    expect(workspaceToolDefinitions()).toEqual([
      { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool' },
      { type: 'bash_20250124', name: 'bash' },
    ]);
  });

  it('leaves bash out when commands are off, and passes the view limit on', () => {
    expect(workspaceToolDefinitions({ bash: false, max_view_chars: 5000 })).toEqual([
      { type: 'text_editor_20250728', name: 'str_replace_based_edit_tool', max_characters: 5000 },
    ]);
  });

  it('recognises the tool names', () => {
    expect(isWorkspaceToolName(EDITOR_TOOL_NAME)).toBe(true);
    expect(isWorkspaceToolName(BASH_TOOL_NAME)).toBe(true);
    expect(isWorkspaceToolName('filesystem__read_file')).toBe(false);
  });
});

describe('editor input', () => {
  it('accepts the four commands', () => {
    expect(parseEditorInput({ command: 'view', path: 'src', view_range: [2, -1] })).toEqual({
      ok: true,
      input: { command: 'view', path: 'src', view_range: [2, -1] },
    });
    expect(parseEditorInput({ command: 'create', path: 'a.ts', file_text: '' }).ok).toBe(true);
    expect(parseEditorInput({ command: 'str_replace', path: 'a.ts', old_str: 'x' })).toEqual({
      ok: true,
      input: { command: 'str_replace', path: 'a.ts', old_str: 'x', new_str: '' },
    });
    expect(parseEditorInput({ command: 'insert', path: 'a.ts', insert_line: 0, insert_text: 'y' }).ok).toBe(
      true,
    );
  });

  it.each([
    [null, /JSON object/],
    [
      { command: 'undo_edit', path: 'a' },
      /Unknown editor command "undo_edit"; use one of view, create, str_replace, insert/,
    ],
    [{ command: 'view' }, /view needs `path`/],
    [{ command: 'create', path: 'a' }, /create needs `file_text`/],
    [{ command: 'str_replace', path: 'a', old_str: '' }, /non-empty `old_str`/],
    [{ command: 'insert', path: 'a', insert_line: -1, insert_text: 'x' }, /insert_line/],
    [{ command: 'insert', path: 'a', insert_line: 1.5, insert_text: 'x' }, /insert_line/],
    [{ command: 'view', path: 'a', view_range: [0, 3] }, /view_range/],
    [{ command: 'view', path: 'a', view_range: [5, 3] }, /view_range/],
  ])('refuses %j with a message for the model', (raw, message) => {
    const parsed = parseEditorInput(raw);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) expect(parsed.problem).toMatch(message);
  });
});

describe('bash input', () => {
  it('accepts a command or a restart', () => {
    expect(parseBashInput({ command: 'npm test' })).toEqual({ ok: true, input: { command: 'npm test' } });
    expect(parseBashInput({ restart: true })).toEqual({ ok: true, input: { restart: true } });
  });

  it.each([[{}], [{ command: '  ' }], [{ command: 42 }], ['ls'], [{ command: 'a\0b' }]])(
    'refuses %j',
    (raw) => {
      expect(parseBashInput(raw).ok).toBe(false);
    },
  );
});

describe('workspace paths', () => {
  const root = '/work/ws';

  it.each([
    ['src/x.ts', 'src/x.ts'],
    ['./src//x.ts', 'src/x.ts'],
    ['src/', 'src'],
    ['.', ''],
    ['/work/ws', ''],
    ['/work/ws/src/x.ts', 'src/x.ts'],
    ['/work/ws//src/./x.ts', 'src/x.ts'],
    ['.gitignore', '.gitignore'],
  ])('normalises %j to %j', (raw, relative) => {
    expect(workspacePath(raw, root)).toEqual({ ok: true, relative });
  });

  it.each([
    ['../x', /'\.\.'/],
    ['src/../../etc/passwd', /'\.\.'/],
    ['src/../x', /'\.\.'/],
    ['/etc/passwd', /outside the workspace.*\/work\/ws/],
    ['/work/wsx/a', /outside the workspace/],
    ['/work', /outside the workspace/],
    ['.git/config', /inside \.git/],
    ['./.git/hooks/pre-commit', /inside \.git/],
    ['', /non-empty/],
    ['a\0b', /NUL/],
    ['x'.repeat(5000), /longer than/],
  ])('refuses %j', (raw, message) => {
    const checked = workspacePath(raw, root);
    expect(checked.ok).toBe(false);
    if (!checked.ok) expect(checked.problem).toMatch(message);
  });

  it('joins a relative path back onto the root', () => {
    expect(absoluteWorkspacePath('/work/ws/', 'src/x.ts')).toBe('/work/ws/src/x.ts');
    expect(absoluteWorkspacePath('/work/ws', '')).toBe('/work/ws');
  });

  it('refuses a relative root', () => {
    expect(() => workspacePath('a', 'ws')).toThrow(/absolute/);
  });
});

describe('command policy', () => {
  const list: CommandPolicy = { mode: 'allow_list', prefixes: ['npm test', 'git status', 'ls'] };

  it('allow runs everything, ask asks about everything', () => {
    expect(decideCommand({ mode: 'allow' }, 'rm -rf build').decision).toBe('allow');
    expect(decideCommand({ mode: 'ask' }, 'ls').decision).toBe('ask');
  });

  it.each([
    'npm test',
    'npm test -- --grep limiter',
    'npm test 2>&1 | ls',
    'git status && npm test',
    'npm test > out.txt',
    'ls src # list the sources',
  ])('an allow-list allows %j', (command) => {
    expect(decideCommand(list, command)).toMatchObject({ decision: 'allow' });
  });

  it.each([
    ['npm testx', /"npm testx" does not start with an allowed prefix/],
    ['npm test; rm -rf src', /"rm -rf src"/],
    ['npm test && curl http://x', /"curl http:\/\/x"/],
    ['ls | sh', /"sh"/],
    ['FOO=1 npm test', /"FOO=1 npm test"/],
    ['npm test\nrm -rf src', /several lines/],
    ['echo $(rm -rf src)', /command substitution/],
    ['ls `rm -rf src`', /backtick/],
    ['cat <(rm x)', /process substitution/],
    ['(rm -rf src)', /subshell/],
  ])('an allow-list refuses %j', (command, reason) => {
    const decision = decideCommand(list, command);
    expect(decision.decision).toBe('deny');
    expect(decision.reason).toMatch(reason);
    expect(decision.reason).toContain('"npm test"');
  });

  it('asks instead of refusing when told to', () => {
    expect(decideCommand({ ...list, otherwise: 'ask' }, 'rm -rf src').decision).toBe('ask');
  });

  it('splits a command line into simple commands', () => {
    expect(simpleCommands('npm test && git diff | head -5; echo "a;b"')).toEqual({
      ok: true,
      commands: [
        ['npm', 'test'],
        ['git', 'diff'],
        ['head', '-5'],
        ['echo', 'a;b'],
      ],
    });
  });

  it('parses the CLI form', () => {
    expect(parseCommandPolicy('allow')).toEqual({ mode: 'allow' });
    expect(parseCommandPolicy(' ask ')).toEqual({ mode: 'ask' });
    expect(parseCommandPolicy('allow:npm test, git status')).toEqual({
      mode: 'allow_list',
      prefixes: ['npm test', 'git status'],
    });
    expect(parseCommandPolicy('ask-others:npm test')).toEqual({
      mode: 'allow_list',
      prefixes: ['npm test'],
      otherwise: 'ask',
    });
  });

  it.each([['sometimes'], ['allow:'], ['allow:npm test && x']])(
    'refuses the CLI form %j, saying what works',
    (text) => {
      expect(() => parseCommandPolicy(text)).toThrow(InvalidCommandPolicyError);
      expect(() => parseCommandPolicy(text)).toThrow(/Invalid command policy/);
    },
  );

  it('names what is wrong with a malformed policy object', () => {
    expect(commandPolicyProblem({ mode: 'allow' })).toBeUndefined();
    expect(commandPolicyProblem({ mode: 'never' })).toMatch(/allow, ask or allow_list/);
    expect(commandPolicyProblem({ mode: 'allow_list', prefixes: [] })).toMatch(/non-empty list/);
    expect(commandPolicyProblem({ mode: 'allow_list', prefixes: ['ls', 3] })).toMatch(/prefixes\[1\]/);
    expect(commandPolicyProblem({ mode: 'allow_list', prefixes: ['ls'], otherwise: 'maybe' })).toMatch(
      /otherwise/,
    );
  });
});

describe('summaries', () => {
  it.each([
    [
      EDITOR_TOOL_NAME,
      { command: 'str_replace', path: 'src/rate-limiter.ts' },
      'tool: edit src/rate-limiter.ts',
    ],
    [EDITOR_TOOL_NAME, { command: 'insert', path: 'a.ts' }, 'tool: edit a.ts'],
    [EDITOR_TOOL_NAME, { command: 'create', path: 'test/a.test.ts' }, 'tool: create test/a.test.ts'],
    [EDITOR_TOOL_NAME, { command: 'view', path: 'src' }, 'tool: view src'],
    [EDITOR_TOOL_NAME, { command: 'nope' }, 'tool: editor (invalid input)'],
    [BASH_TOOL_NAME, { command: 'npm test' }, 'tool: bash npm test'],
    [BASH_TOOL_NAME, { command: 'cd src\nls' }, 'tool: bash cd src …'],
    [BASH_TOOL_NAME, { restart: true }, 'tool: bash (restart)'],
    [BASH_TOOL_NAME, 'x', 'tool: bash (invalid input)'],
  ])('%s %j → %j', (name, input, summary) => {
    expect(toolCallSummary(name, input)).toBe(summary);
  });

  it('cuts a long command', () => {
    const summary = toolCallSummary(BASH_TOOL_NAME, { command: `echo ${'x'.repeat(200)}` });
    expect(summary.length).toBeLessThanOrEqual('tool: bash '.length + 60);
    expect(summary.endsWith('…')).toBe(true);
    expect(verifySummary('npm test')).toBe('verify: npm test');
  });

  it('tells the model what an interrupted call means', () => {
    expect(interruptedToolMessage('tool: bash npm test')).toMatch(/interrupted.*not run again/);
  });
});

describe('output', () => {
  it('keeps short output as it is', () => {
    expect(cutOutput('ok\n', 1000)).toEqual({ content: 'ok\n', truncated: false, original_chars: 3 });
  });

  it('cuts long output in the middle, keeping its start and its end, within the limit', () => {
    const text = `START\n${'middle line\n'.repeat(5000)}END: 3 failed`;
    const cut = cutOutput(text, 2000);
    expect(cut.truncated).toBe(true);
    expect(cut.original_chars).toBe(text.length);
    expect(cut.content.length).toBeLessThanOrEqual(2000);
    expect(cut.content.startsWith('START')).toBe(true);
    expect(cut.content.endsWith('END: 3 failed')).toBe(true);
    expect(cut.content).toMatch(/output truncated: [\d,]+ of [\d,]+ characters cut from the middle/);
  });

  it('never splits a surrogate pair', () => {
    const cut = cutOutput('😀'.repeat(3000), 1001);
    expect(cut.content.length).toBeLessThanOrEqual(1001);
    expect(cut.content).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  });

  it('keeps the last lines of a test run', () => {
    expect(outputTail('a\nb\nc\n\n', 2)).toBe('b\nc');
    expect(outputTail('x'.repeat(10_000), 40, 100).length).toBe(100);
  });
});

describe('gates', () => {
  const run = (over: Partial<VerificationResult>): VerificationResult => ({
    command: 'npm test',
    exit_code: 1,
    duration_ms: 900,
    output_tail: '1 failed',
    passed: false,
    timed_out: false,
    ...over,
  });

  it('RED holds when the tests fail, and is refused when they pass', () => {
    expect(gateVerdict('fail', run({})).ok).toBe(true);
    const passing = gateVerdict('fail', run({ exit_code: 0, passed: true }));
    expect(passing.ok).toBe(false);
    expect(passing.reason).toMatch(/passed, but this phase must leave failing tests/);
  });

  it('GREEN holds when the tests pass, and is refused when they fail', () => {
    expect(gateVerdict('pass', run({ exit_code: 0, passed: true })).ok).toBe(true);
    expect(gateVerdict('pass', run({})).reason).toMatch(/failed \(exit 1\); the tests must pass/);
  });

  it('a run killed at its time limit holds for neither', () => {
    expect(gateVerdict('fail', run({ exit_code: null, timed_out: true })).ok).toBe(false);
    expect(gateVerdict('pass', run({ exit_code: null, timed_out: true })).reason).toMatch(/time limit/);
  });
});
