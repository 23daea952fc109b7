/**
 * The k6-operator `TestRun` (k6.io/v1alpha1) that runs a scenario's archive on N runners, each
 * writing its results where `npm run distributed -- merge` reads them. Pure: cli/operator.ts
 * writes it, test/integration/operator.test.ts checks it against the operator's published CRD.
 *
 * - The archive comes from a ConfigMap (`kubectl create configmap <name>-archive --from-file=archive.tar`),
 *   mounted by the operator at /test.
 * - Settings reach the runners as environment variables (k6 puts them in `__ENV`), the archive having
 *   none (`k6 archive --exclude-env-vars`); a setting whose name says secret comes from the
 *   Kubernetes Secret `<name>-secrets` by `secretKeyRef`, so its value is in neither file.
 * - Results: a PersistentVolumeClaim `<name>-results` mounted at /results on every runner; an init
 *   container makes `/results/<pod name>` (k6 cannot make folders), which the runner uses as
 *   RESULTS_DIR and for its raw samples (`--out json=…/samples.json.gz`). Kubernetes expands
 *   `$(POD_NAME)` in env values and in the runner's command (the operator puts `arguments` there).
 */

export interface TestRunOptions {
  /** metadata.name, a DNS label. */
  name: string;
  parallelism: number;
  /** One runner per node (the operator's pod anti-affinity). */
  separate: boolean;
  /** The runner image: k6 of the toolkit's pinned version. */
  image: string;
  /** Plain settings, by name, in order. */
  env: ReadonlyArray<[string, string]>;
  /** Names of settings whose values come from the Secret. */
  secretNames: readonly string[];
  /** More `k6 run` arguments (no spaces inside one: the operator splits `arguments` on spaces). */
  extraArgs: readonly string[];
}

export const RESULTS_MOUNT = '/results';
export const ARCHIVE_FILE = 'archive.tar';

export function archiveConfigMapName(name: string): string {
  return `${name}-archive`;
}
export function secretName(name: string): string {
  return `${name}-secrets`;
}
export function resultsClaimName(name: string): string {
  return `${name}-results`;
}

const POD_NAME_ENV = {
  name: 'POD_NAME',
  valueFrom: { fieldRef: { fieldPath: 'metadata.name' } },
};
const RESULTS_VOLUME = 'results';

/** The TestRun object (serialise it as YAML or JSON). */
export function buildTestRun(options: TestRunOptions): Record<string, unknown> {
  const runnerDir = `${RESULTS_MOUNT}/$(POD_NAME)`;
  const mounts = [{ name: RESULTS_VOLUME, mountPath: RESULTS_MOUNT }];
  const env: Array<Record<string, unknown>> = [
    POD_NAME_ENV,
    { name: 'RESULTS_DIR', value: runnerDir },
    { name: 'DISTRIBUTED', value: 'true' },
    ...options.env.map(([name, value]) => ({ name, value })),
    ...options.secretNames.map((name) => ({
      name,
      valueFrom: { secretKeyRef: { name: secretName(options.name), key: name } },
    })),
  ];
  return {
    apiVersion: 'k6.io/v1alpha1',
    kind: 'TestRun',
    metadata: { name: options.name },
    spec: {
      parallelism: options.parallelism,
      separate: options.separate,
      script: { configMap: { name: archiveConfigMapName(options.name), file: ARCHIVE_FILE } },
      arguments: ['--out', `json=${runnerDir}/samples.json.gz`, ...options.extraArgs].join(' '),
      runner: {
        image: options.image,
        env,
        initContainers: [
          {
            name: 'results-folder',
            image: 'busybox:1.36',
            command: ['sh', '-c', `mkdir -p ${runnerDir} && chmod 0777 ${runnerDir}`],
            env: [POD_NAME_ENV],
            volumeMounts: mounts,
          },
        ],
        volumes: [
          {
            name: RESULTS_VOLUME,
            persistentVolumeClaim: { claimName: resultsClaimName(options.name) },
          },
        ],
        volumeMounts: mounts,
      },
    },
  };
}
