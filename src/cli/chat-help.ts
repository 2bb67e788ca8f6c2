/** What `baton chat` accepts besides messages (also shown by `baton chat --help`). */
export const CHAT_HELP_TEXT = [
  'Type a message and press Enter; the reply streams as the model writes it.',
  '  /status              the session: context, cumulative usage, runs',
  '  /cost                tokens and cost so far, and how full the context is',
  '  /compact [aggressive] summarize the context now',
  '  /checkpoint [name]   record a checkpoint',
  '  /checkpoints         list checkpoints',
  '  /restore <name>      go back to a checkpoint (prints how to undo it)',
  '  /fork                continue in a fork of this session (this one stays as it is)',
  '  /exit                leave (Ctrl-D does too)',
  'Ctrl-C cancels a reply in progress; the session stays as it was before that turn.',
].join('\n');
