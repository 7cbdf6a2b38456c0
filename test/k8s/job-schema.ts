// A small JSON-schema-like checker, and the schema of the batch/v1 Job and v1 ConfigMap fields the
// manifests use (from the Kubernetes API reference: Job, JobSpec, PodTemplateSpec, PodSpec, Container,
// EnvVar, VolumeMount, Volume, ConfigMap). Unknown fields are refused, so a typo in a field name fails
// here rather than in `kubectl apply`.

export type Schema =
  | { type: 'string'; enum?: readonly string[]; pattern?: RegExp; maxLength?: number }
  | { type: 'integer'; minimum?: number; maximum?: number }
  | { type: 'boolean' }
  | { type: 'array'; items: Schema; minItems?: number }
  | { type: 'object'; properties: Record<string, Schema>; required?: readonly string[]; additional?: Schema };

/** Problems as `path: message`; empty when `value` fits. */
export function check(value: unknown, schema: Schema, path = '$'): string[] {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return [`${path}: expected a string, got ${JSON.stringify(value)}`];
      const out: string[] = [];
      if (schema.enum && !schema.enum.includes(value)) out.push(`${path}: "${value}" is not one of ${schema.enum.join(', ')}`);
      if (schema.pattern && !schema.pattern.test(value)) out.push(`${path}: "${value}" does not match ${schema.pattern}`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) out.push(`${path}: longer than ${schema.maxLength}`);
      return out;
    }
    case 'integer': {
      if (typeof value !== 'number' || !Number.isInteger(value)) return [`${path}: expected an integer, got ${JSON.stringify(value)}`];
      const out: string[] = [];
      if (schema.minimum !== undefined && value < schema.minimum) out.push(`${path}: ${value} < ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) out.push(`${path}: ${value} > ${schema.maximum}`);
      return out;
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean`];
    case 'array': {
      if (!Array.isArray(value)) return [`${path}: expected an array`];
      const out: string[] = [];
      if (schema.minItems !== undefined && value.length < schema.minItems) out.push(`${path}: fewer than ${schema.minItems} items`);
      value.forEach((item, i) => out.push(...check(item, schema.items, `${path}[${i}]`)));
      return out;
    }
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return [`${path}: expected an object`];
      const out: string[] = [];
      const record = value as Record<string, unknown>;
      for (const key of schema.required ?? []) if (!(key in record)) out.push(`${path}: missing "${key}"`);
      for (const [key, v] of Object.entries(record)) {
        const sub = schema.properties[key] ?? schema.additional;
        if (sub === undefined) out.push(`${path}: unknown field "${key}"`);
        else out.push(...check(v, sub, `${path}.${key}`));
      }
      return out;
    }
  }
}

const dnsLabel: Schema = { type: 'string', pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/, maxLength: 63 };
const labels: Schema = { type: 'object', properties: {}, additional: { type: 'string', maxLength: 63 } };
const objectMeta: Schema = {
  type: 'object',
  properties: { name: dnsLabel, namespace: dnsLabel, labels, annotations: labels },
  required: ['name'],
};

const envVar: Schema = {
  type: 'object',
  properties: {
    name: { type: 'string', pattern: /^[-._a-zA-Z][-._a-zA-Z0-9]*$/ },
    value: { type: 'string' },
    valueFrom: {
      type: 'object',
      properties: {
        fieldRef: { type: 'object', properties: { fieldPath: { type: 'string' }, apiVersion: { type: 'string' } }, required: ['fieldPath'] },
      },
    },
  },
  required: ['name'],
};

const volumeMount: Schema = {
  type: 'object',
  properties: { name: dnsLabel, mountPath: { type: 'string', pattern: /^\// }, readOnly: { type: 'boolean' }, subPath: { type: 'string' } },
  required: ['name', 'mountPath'],
};

const container: Schema = {
  type: 'object',
  properties: {
    name: dnsLabel,
    image: { type: 'string', pattern: /^\S+$/ },
    command: { type: 'array', items: { type: 'string' } },
    args: { type: 'array', items: { type: 'string' } },
    env: { type: 'array', items: envVar },
    volumeMounts: { type: 'array', items: volumeMount },
  },
  required: ['name', 'image'],
};

const volume: Schema = {
  type: 'object',
  properties: {
    name: dnsLabel,
    configMap: { type: 'object', properties: { name: dnsLabel }, required: ['name'] },
    persistentVolumeClaim: { type: 'object', properties: { claimName: { type: 'string' }, readOnly: { type: 'boolean' } }, required: ['claimName'] },
  },
  required: ['name'],
};

export const JOB_SCHEMA: Schema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', enum: ['batch/v1'] },
    kind: { type: 'string', enum: ['Job'] },
    metadata: objectMeta,
    spec: {
      type: 'object',
      properties: {
        completionMode: { type: 'string', enum: ['Indexed', 'NonIndexed'] },
        completions: { type: 'integer', minimum: 1 },
        parallelism: { type: 'integer', minimum: 0 },
        backoffLimit: { type: 'integer', minimum: 0 },
        activeDeadlineSeconds: { type: 'integer', minimum: 1 },
        template: {
          type: 'object',
          properties: {
            metadata: { type: 'object', properties: { labels, annotations: labels } },
            spec: {
              type: 'object',
              properties: {
                // A Job's pods may only use Never or OnFailure.
                restartPolicy: { type: 'string', enum: ['Never', 'OnFailure'] },
                containers: { type: 'array', items: container, minItems: 1 },
                volumes: { type: 'array', items: volume },
              },
              required: ['containers', 'restartPolicy'],
            },
          },
          required: ['spec'],
        },
      },
      required: ['template'],
    },
  },
  required: ['apiVersion', 'kind', 'metadata', 'spec'],
};

export const CONFIGMAP_SCHEMA: Schema = {
  type: 'object',
  properties: {
    apiVersion: { type: 'string', enum: ['v1'] },
    kind: { type: 'string', enum: ['ConfigMap'] },
    metadata: objectMeta,
    data: { type: 'object', properties: {}, additional: { type: 'string' } },
  },
  required: ['apiVersion', 'kind', 'metadata', 'data'],
};
