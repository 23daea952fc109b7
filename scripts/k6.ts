/** `npm run k6 -- <args>`: runs the provisioned k6 with the given arguments and its exit code. */
import { spawn } from 'node:child_process';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';

try {
  const { path } = await provisionK6();
  const child = spawn(path, process.argv.slice(2), { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('close', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
} catch (error) {
  if (!(error instanceof K6NotFoundError)) throw error;
  process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
  process.exitCode = 1;
}
