/**
 * Checks a TestRun against the k6-operator's published CRD (scripts/provision-testrun-crd.ts)
 * offline, as `kubectl apply --validate=strict` would: the CRD's OpenAPI v3 schema, with every
 * object that lists its properties closed to others (the API server would drop or refuse an
 * unknown field), compiled by ajv. Kubernetes' own keywords (`x-kubernetes-*`) and formats (int32,
 * quantity…) are not JSON Schema: ajv is told to ignore them.
 */
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { readTestRunCrd } from '../../scripts/provision-testrun-crd.ts';

type Schema = Record<string, unknown>;

/** The schema with unknown fields refused wherever Kubernetes' structural schema prunes them. */
export function closeObjects(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(closeObjects);
  if (typeof schema !== 'object' || schema === null) return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-kubernetes-')) continue;
    out[key] = key === 'properties' ? mapValues(value as Schema) : closeObjects(value);
  }
  const open = (schema as Schema)['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties !== undefined && out.additionalProperties === undefined && !open) {
    out.additionalProperties = false;
  }
  return out;
}

function mapValues(properties: Schema): Schema {
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, closeObjects(v)]));
}

export type TestRunValidator = (manifest: unknown) => string[];

/** A validator for `k6.io/v1alpha1` TestRuns; returns the errors (none: valid). */
export async function testRunValidator(): Promise<TestRunValidator> {
  const crd = parse(await readTestRunCrd()) as {
    spec: { versions: Array<{ name: string; schema: { openAPIV3Schema: Schema } }> };
  };
  const version = crd.spec.versions.find((v) => v.name === 'v1alpha1');
  if (version === undefined) throw new Error('the TestRun CRD has no v1alpha1 version');
  const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });
  const validate = ajv.compile(closeObjects(version.schema.openAPIV3Schema) as Schema);
  return (manifest) =>
    validate(manifest)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`,
        );
}
