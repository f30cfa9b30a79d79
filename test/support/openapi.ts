/**
 * Holds requests and responses to Jira's real contract: ../shared/jira-openapi/platform-v3.json
 * (OpenAPI 3.0.1). Operations are compiled lazily, one at a time, because the spec is large.
 *
 * OpenAPI quirks handled: `#/components/...` refs are resolved against the spec document,
 * `nullable` is honoured (and dropped where it has no `type`, which Ajv refuses), vendor keywords
 * (`x-*`, `example`, `xml`, `readOnly`, `discriminator`...) are ignored, and Jira's integer formats
 * (`int32`, `int64`) are accepted, and `JsonNode` (a Java class standing for "any JSON") accepts any value.
 *
 * Use from tests:
 *   assertRequestMatchesSpec({ method, path, body });
 *   assertResponseMatchesSpec({ method, path }, { status, text });
 *   const checked = specCheckedTransport(transport); // asserts both for every call
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { Transport } from '../../src/jira/transport';

export const SPEC_PATH = path.resolve(__dirname, '../../../shared/jira-openapi/platform-v3.json');
const SPEC_ID = 'jira-platform-v3.json';

type JsonObject = { [key: string]: unknown };

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

interface Parameter {
  name: string;
  in: string;
  required: boolean;
  schema: JsonObject;
}

export interface SpecOperation {
  method: string;
  template: string;
  operationId: string;
  parameters: Parameter[];
  requestBody: { required: boolean; schema: JsonObject | null } | null;
  /** Status code (or 'default') -> JSON schema of the body, or null when none is declared. */
  responses: Map<string, JsonObject | null>;
}

interface Loaded {
  ajv: Ajv;
  operations: SpecOperation[];
}

let loaded: Loaded | null = null;
const validators = new Map<string, ValidateFunction>();

/** Copies a schema, pointing local refs at the spec document and fixing OpenAPI-only keywords. */
function normalise(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalise);
  if (!isObject(node)) return node;
  // `JsonNode` is Jackson's Java class serialised as if it were a schema (`textValue`, `bigDecimal`,
  // `additionalProperties: false`); where the spec uses it, it means "any JSON value".
  if (node.$ref === '#/components/schemas/JsonNode') return {};
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = `${SPEC_ID}${v}`;
    else if (
      k === 'example' ||
      k === 'examples' ||
      k === 'xml' ||
      k === 'discriminator' ||
      k.startsWith('x-')
    )
      continue;
    else out[k] = normalise(v);
  }
  if (out.nullable !== undefined && out.type === undefined) delete out.nullable;
  return out;
}

function load(): Loaded {
  if (loaded) return loaded;
  const raw: unknown = JSON.parse(readFileSync(SPEC_PATH, 'utf8'));
  if (!isObject(raw) || !isObject(raw.paths) || !isObject(raw.components)) {
    throw new Error(`${SPEC_PATH} is not an OpenAPI document`);
  }
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) ajv.addFormat(f, true);
  ajv.addSchema({ $id: SPEC_ID, components: normalise(raw.components) });

  const components = raw.components;
  const deref = (v: unknown): unknown => {
    // Parameters and request bodies may themselves be refs into components.
    if (isObject(v) && typeof v.$ref === 'string' && v.$ref.startsWith('#/components/')) {
      const parts = v.$ref.slice('#/components/'.length).split('/');
      let cur: unknown = components;
      for (const p of parts) cur = isObject(cur) ? cur[p] : undefined;
      return cur;
    }
    return v;
  };

  const operations: SpecOperation[] = [];
  for (const [template, item] of Object.entries(raw.paths)) {
    if (!isObject(item)) continue;
    const shared = Array.isArray(item.parameters) ? item.parameters : [];
    for (const method of ['get', 'post', 'put', 'delete', 'patch']) {
      const op = item[method];
      if (!isObject(op)) continue;
      const params: Parameter[] = [];
      for (const p of [...shared, ...(Array.isArray(op.parameters) ? op.parameters : [])]) {
        const d = deref(p);
        if (!isObject(d) || typeof d.name !== 'string' || typeof d.in !== 'string') continue;
        params.push({
          name: d.name,
          in: d.in,
          required: d.required === true,
          schema: isObject(d.schema) ? d.schema : {},
        });
      }
      let requestBody: SpecOperation['requestBody'] = null;
      const rb = deref(op.requestBody);
      if (isObject(rb)) {
        const content = isObject(rb.content) ? rb.content : {};
        const jsonContent = content['application/json'];
        requestBody = {
          required: rb.required === true,
          schema: isObject(jsonContent) && isObject(jsonContent.schema) ? jsonContent.schema : null,
        };
      }
      const responses = new Map<string, JsonObject | null>();
      if (isObject(op.responses)) {
        for (const [code, r] of Object.entries(op.responses)) {
          const d = deref(r);
          const content = isObject(d) && isObject(d.content) ? d.content : {};
          const jsonContent = content['application/json'];
          responses.set(
            code,
            isObject(jsonContent) && isObject(jsonContent.schema) ? jsonContent.schema : null,
          );
        }
      }
      operations.push({
        method: method.toUpperCase(),
        template,
        operationId: typeof op.operationId === 'string' ? op.operationId : `${method} ${template}`,
        parameters: params,
        requestBody,
        responses,
      });
    }
  }
  loaded = { ajv, operations };
  return loaded;
}

function templateRegex(template: string): RegExp {
  const escaped = template
    .split(/(\{[^}]+\})/)
    .map((part) => (part.startsWith('{') ? '([^/]+)' : part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${escaped}$`);
}

/** The spec operation a request addresses; literal segments win over templates (`/issue/bulkfetch`). */
export function findOperation(method: string, pathWithQuery: string): SpecOperation {
  const { operations } = load();
  const pathname = new URL(pathWithQuery, 'http://spec.invalid').pathname;
  const candidates = operations
    .filter((o) => o.method === method.toUpperCase() && templateRegex(o.template).test(pathname))
    .sort((a, b) => (a.template.match(/\{/g) ?? []).length - (b.template.match(/\{/g) ?? []).length);
  const op = candidates[0];
  if (!op) throw new Error(`${method} ${pathname} is not an operation of Jira's REST API v3`);
  return op;
}

function validatorFor(key: string, schema: JsonObject): ValidateFunction {
  let v = validators.get(key);
  if (!v) {
    v = load().ajv.compile(normalise(schema) as JsonObject);
    validators.set(key, v);
  }
  return v;
}

function errorsOf(v: ValidateFunction, where: string): string[] {
  return (v.errors ?? []).map(
    (e) =>
      `${where}${e.instancePath} ${e.message ?? 'is invalid'}${'additionalProperty' in e.params ? ` (${String(e.params.additionalProperty)})` : ''}`,
  );
}

/** A query value as the spec's type, the way Jira's server reads it. */
function coerce(value: string, schema: JsonObject): unknown {
  const type = schema.type;
  if (type === 'integer' || type === 'number') return value.trim() === '' ? value : Number(value);
  if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
  return value;
}

export interface SpecRequest {
  method: string;
  /** Path and query, starting with `/rest/api/3/`. */
  path: string;
  body?: unknown;
}

export interface SpecResponse {
  status: number;
  text: string;
}

/** Everything wrong with a request under the spec (empty when it conforms). */
export function requestProblems(req: SpecRequest): string[] {
  const op = findOperation(req.method, req.path);
  const url = new URL(req.path, 'http://spec.invalid');
  const problems: string[] = [];
  const where = `${op.method} ${op.template}`;
  const declared = new Map(op.parameters.filter((p) => p.in === 'query').map((p) => [p.name, p]));
  for (const name of new Set(url.searchParams.keys())) {
    const param = declared.get(name);
    if (!param) {
      problems.push(`${where}: query parameter '${name}' is not in the spec`);
      continue;
    }
    const values = url.searchParams.getAll(name);
    const schema = param.schema;
    const itemSchema = schema.type === 'array' && isObject(schema.items) ? schema.items : null;
    const value = itemSchema
      ? values.map((v) => coerce(v, itemSchema))
      : coerce(values[values.length - 1] ?? '', schema);
    const v = validatorFor(`${op.operationId}?${name}`, schema);
    if (!v(value)) problems.push(...errorsOf(v, `${where}: query '${name}'`));
  }
  for (const p of op.parameters) {
    if (p.in === 'query' && p.required && !url.searchParams.has(p.name)) {
      problems.push(`${where}: required query parameter '${p.name}' is missing`);
    }
  }
  if (op.requestBody === null) {
    if (req.body !== undefined) problems.push(`${where}: takes no request body`);
  } else if (req.body === undefined) {
    if (op.requestBody.required) problems.push(`${where}: request body is required`);
  } else if (op.requestBody.schema) {
    const v = validatorFor(`${op.operationId}:request`, op.requestBody.schema);
    if (!v(req.body)) problems.push(...errorsOf(v, `${where}: body`));
  }
  return problems;
}

/** Everything wrong with a response under the spec (empty when it conforms). */
export function responseProblems(req: Pick<SpecRequest, 'method' | 'path'>, res: SpecResponse): string[] {
  const op = findOperation(req.method, req.path);
  const where = `${op.method} ${op.template} -> ${res.status}`;
  const code = String(res.status);
  if (!op.responses.has(code) && !op.responses.has('default')) {
    return [
      `${where}: status ${res.status} is not declared (declared: ${[...op.responses.keys()].join(', ')})`,
    ];
  }
  const schema = op.responses.has(code) ? op.responses.get(code) : op.responses.get('default');
  if (!schema) return [];
  // Jira answers some writes (e.g. PUT issue property) with an empty body where the spec says `{}`.
  if (res.text === '' && Object.keys(schema).length === 0) return [];
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    return [`${where}: body is not JSON`];
  }
  const v = validatorFor(`${op.operationId}:${code}`, schema);
  return v(body) ? [] : errorsOf(v, `${where}: body`);
}

export function assertRequestMatchesSpec(req: SpecRequest): void {
  const problems = requestProblems(req);
  if (problems.length > 0) throw new Error(`request does not match Jira's spec:\n  ${problems.join('\n  ')}`);
}

export function assertResponseMatchesSpec(
  req: Pick<SpecRequest, 'method' | 'path'>,
  res: SpecResponse,
): void {
  const problems = responseProblems(req, res);
  if (problems.length > 0)
    throw new Error(`response does not match Jira's spec:\n  ${problems.join('\n  ')}`);
}

/** Wraps a transport so that every request and every answer is checked against the spec. */
export function specCheckedTransport(transport: Transport): Transport {
  return async (request) => {
    assertRequestMatchesSpec(request);
    const response = await transport(request);
    assertResponseMatchesSpec(request, response);
    return response;
  };
}
