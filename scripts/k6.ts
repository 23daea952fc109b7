/**
 * `npm run k6 -- <args>`: runs the provisioned k6 with the given arguments and its exit code.
 * A secret given with `-e` is refused (exit code 2, scripts/secret-args.ts): npm has echoed it.
 * k6 inherits this process's environment, so `CLIENT_SECRET=… npm run k6 -- run …` reaches __ENV.
 */
import { spawn } from 'node:child_process';
import { K6NotFoundError, provisionK6 } from './provision-k6.ts';
import { refuseSecretEnvArgs, SecretArgumentError } from './secret-args.ts';

try {
  const args = process.argv.slice(2);
  refuseSecretEnvArgs(args, 'npm run k6');
  const { path } = await provisionK6();
  const child = spawn(path, args, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => child.kill(signal));
  }
  child.on('close', (code, signal) => {
    process.exitCode = code ?? (signal ? 1 : 0);
  });
} catch (error) {
  if (!(error instanceof K6NotFoundError) && !(error instanceof SecretArgumentError)) throw error;
  process.stderr.write(`k6-auth-toolkit: ${error.message}\n`);
  process.exitCode = error instanceof SecretArgumentError ? error.exitCode : 1;
}
