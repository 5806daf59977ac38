// Renders docs/openapi.yaml as Markdown (docs/http-api.md): one section per route, its parameters,
// body and answers, with schemas written as short type expressions. No remote resource is used.
// `node scripts/openapi-md.mjs` writes the file; a test fails when the file differs from a render.
import { readFileSync, writeFileSync } from 'node:fs';
import { format, resolveConfig } from 'prettier';
import { parse } from 'yaml';

const root = new URL('..', import.meta.url);
const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'options'];

const refName = (ref) => ref.split('/').pop();
const cell = (text) =>
  String(text ?? '')
    .replace(/\s+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();

/** A schema as a short type expression: `{ linkId: LinkId, status?: "a" | "b" }`. */
export function shape(schema, doc) {
  if (!schema) return 'any';
  if (schema.$ref) return `[${refName(schema.$ref)}](#${refName(schema.$ref).toLowerCase()})`;
  if ('const' in schema) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((value) => JSON.stringify(value)).join(' \\| ');
  if (schema.oneOf || schema.anyOf)
    return (schema.oneOf ?? schema.anyOf).map((s) => shape(s, doc)).join(' \\| ');
  if (schema.allOf)
    return schema.allOf
      .map((s) => shape(s, doc))
      .filter((s) => s !== '{  }')
      .join(' & ');
  const type = [schema.type ?? (schema.properties ? 'object' : 'any')].flat();
  if (type.includes('array')) return `${shape(schema.items, doc)}[]`;
  if (type.includes('object') && schema.properties) {
    const required = new Set(schema.required ?? []);
    const fields = Object.entries(schema.properties).map(
      ([name, field]) => `${name}${required.has(name) ? '' : '?'}: ${shape(field, doc)}`,
    );
    return `{ ${fields.join(', ')} }`;
  }
  const limits = [
    schema.format,
    schema.pattern && `\`${schema.pattern}\``,
    schema.minLength !== undefined &&
      schema.maxLength !== undefined &&
      `${schema.minLength}–${schema.maxLength} chars`,
  ].filter(Boolean);
  return `${type.join(' \\| ')}${limits.length ? ` (${limits.join(', ')})` : ''}`;
}

function responseRows(responses, doc) {
  return Object.entries(responses).map(([status, given]) => {
    const response = given.$ref ? doc.components.responses[refName(given.$ref)] : given;
    const media = Object.entries(response.content ?? {})
      .map(([type, content]) => `\`${type}\` ${content.schema ? shape(content.schema, doc) : ''}`)
      .join('<br>');
    return `| ${status} | ${cell(response.description)} | ${media || '—'} |`;
  });
}

function operation(path, method, op, doc) {
  const lines = [`### \`${method.toUpperCase()} ${path}\``, '', op.summary ?? ''];
  if (op.description) lines.push('', op.description.trim());
  const security = (op.security ?? []).flatMap((entry) => Object.keys(entry));
  lines.push(
    '',
    `Authorization: ${security.length ? security.map((s) => `\`${s}\``).join(' or ') : 'none'}.`,
  );
  const parameters = (op.parameters ?? []).map((p) =>
    p.$ref ? doc.components.parameters[refName(p.$ref)] : p,
  );
  if (parameters.length) {
    lines.push('', '| parameter | in | required | schema | meaning |', '| --- | --- | --- | --- | --- |');
    for (const p of parameters)
      lines.push(
        `| \`${p.name}\` | ${p.in} | ${p.required ? 'yes' : 'no'} | ${shape(p.schema, doc)} | ${cell(p.description ?? p.schema?.description)} |`,
      );
  }
  if (op.requestBody) {
    for (const [type, content] of Object.entries(op.requestBody.content))
      lines.push('', `Body (\`${type}\`): ${shape(content.schema, doc)}`);
  }
  lines.push('', '| status | answer | body |', '| --- | --- | --- |', ...responseRows(op.responses, doc), '');
  return lines;
}

export function render(doc) {
  const lines = [
    `# ${doc.info.title} HTTP API ${doc.info.version}`,
    '',
    `<!-- Generated from openapi.yaml by scripts/openapi-md.mjs; edit the YAML, then run it. -->`,
    '',
    doc.info.description.trim(),
    '',
  ];
  for (const tag of doc.tags) {
    lines.push(`## ${tag.name[0].toUpperCase()}${tag.name.slice(1)}`, '', tag.description, '');
    for (const [path, item] of Object.entries(doc.paths))
      for (const method of METHODS) {
        const op = item[method];
        if (!op || !op.tags.includes(tag.name)) continue;
        lines.push(
          ...operation(
            path,
            method,
            { ...op, parameters: [...(item.parameters ?? []), ...(op.parameters ?? [])] },
            doc,
          ),
        );
      }
  }
  lines.push('## Webhooks to the merchant', '');
  for (const [name, item] of Object.entries(doc.webhooks ?? {}))
    for (const method of METHODS)
      if (item[method]) lines.push(...operation(`LINKGATE_WEBHOOK_URL (${name})`, method, item[method], doc));
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    lines.push(`### ${name}`, '', shape({ ...schema, $ref: undefined }, doc), '');
    if (schema.description) lines.push(schema.description, '');
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()}\n`;
}

/** docs/http-api.md as it should read: the render, formatted as the repository formats Markdown. */
export async function renderedMarkdown() {
  const doc = parse(readFileSync(new URL('docs/openapi.yaml', root), 'utf8'));
  const target = new URL('docs/http-api.md', root).pathname;
  return format(render(doc), { ...(await resolveConfig(target)), filepath: target });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(new URL('docs/http-api.md', root), await renderedMarkdown());
  console.log('docs/http-api.md written');
}
