import { ValidationError } from 'xlive/sdk';

const MAX_STDIN_BYTES = 64 * 1024;

type Input = NodeJS.ReadableStream & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };

/** A password from standard input: asked twice without echo on a terminal, else its first line. */
export async function readPassword(stdin: Input, prompt: NodeJS.WritableStream): Promise<string> {
  if (stdin.isTTY && stdin.setRawMode) {
    const first = await promptHidden('new password: ', stdin, prompt);
    const again = await promptHidden('again: ', stdin, prompt);
    if (first !== again) throw new ValidationError('the two passwords differ');
    return first;
  }
  let data = '';
  for await (const chunk of stdin) {
    data += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (data.length > MAX_STDIN_BYTES) throw new ValidationError('standard input is too long for a password');
    if (data.includes('\n')) break;
  }
  const line = data.split(/\r?\n/)[0] ?? '';
  if (line === '') throw new ValidationError('no password given: set XLIVE_ADMIN_PASSWORD or pipe it on standard input');
  return line;
}

/** Read one line from a terminal in raw mode, echoing nothing. */
function promptHidden(prompt: string, input: Input, out: NodeJS.WritableStream): Promise<string> {
  out.write(prompt);
  input.setRawMode!(true);
  input.setEncoding('utf8');
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (result: () => void) => {
      input.removeListener('data', onData);
      input.setRawMode!(false);
      input.pause();
      out.write('\n');
      result();
    };
    const onData = (chunk: string | Buffer) => {
      for (const ch of String(chunk)) {
        if (ch === '\r' || ch === '\n' || ch === '\u0004') return finish(() => resolve(value));
        if (ch === '\u0003') return finish(() => reject(new ValidationError('cancelled')));
        if (ch === '\u007f' || ch === '\b') value = value.slice(0, -1);
        else if (value.length < 1024) value += ch;
      }
    };
    input.on('data', onData);
  });
}
