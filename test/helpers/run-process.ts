/** Process runners for tests: the ones scripts/ uses too (`npm run chaos` runs k6 the same way). */
export {
  type Finished,
  REPO_ROOT,
  type RunOptions,
  runScript,
  runToEnd,
} from '../../scripts/run-process.ts';
