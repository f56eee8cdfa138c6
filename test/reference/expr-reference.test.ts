// Every expression, `when` and `depends` in upstream's example and functional-test workflows
// (the folder ARGO_REFERENCE names) must be understood by our languages.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { parseDepends } from '../../src/workflow/depends.js';
import { compile } from '../../src/workflow/expr/index.js';
import { parseTemplate, renderTemplate } from '../../src/workflow/template-string.js';
import { evaluateWhen } from '../../src/workflow/when.js';
import { referenceDir } from '../helpers/reference.js';
import { yamlFilesUnder } from '../helpers/yaml-files.js';

const REFERENCE = referenceDir();

interface Found {
  file: string;
  value: string;
}

function collect(): { tags: Found[]; whens: Found[]; depends: Found[]; expressions: Found[] } {
  const out = {
    tags: [] as Found[],
    whens: [] as Found[],
    depends: [] as Found[],
    expressions: [] as Found[],
  };
  const files = yamlFilesUnder(join(REFERENCE, 'examples'), join(REFERENCE, 'functional'));
  for (const file of files) {
    for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
      // successCondition is expr-lang only on http templates (resource templates use selectors).
      const walk = (v: unknown, key?: string, parent?: Record<string, unknown>): void => {
        if (typeof v === 'string') {
          if (v.includes('{{=')) {
            for (const t of parseTemplate(v).tags)
              if (t.kind === 'expression') out.tags.push({ file, value: t.body });
          }
          if (key === 'when') out.whens.push({ file, value: v });
          if (key === 'depends') out.depends.push({ file, value: v });
          const isExpr =
            key === 'expression' || (key === 'successCondition' && parent !== undefined && 'url' in parent);
          if (isExpr && !v.includes('{{')) out.expressions.push({ file, value: v });
        } else if (Array.isArray(v)) {
          v.forEach((x) => walk(x));
        } else if (v !== null && typeof v === 'object') {
          for (const [k, x] of Object.entries(v)) walk(x, k, v as Record<string, unknown>);
        }
      };
      walk(doc.toJS());
    }
  }
  return out;
}

describe('upstream examples and functional workflows', () => {
  const found = collect();

  it('finds the expressions to check', () => {
    expect(found.tags.length).toBeGreaterThanOrEqual(15);
    expect(found.whens.length).toBeGreaterThanOrEqual(40);
    expect(found.depends.length).toBeGreaterThanOrEqual(80);
    expect(found.expressions.length).toBeGreaterThanOrEqual(8);
  });

  it('compiles every {{= }} tag and expression field', () => {
    for (const { file, value } of [...found.tags, ...found.expressions]) {
      expect(() => compile(value), `${file}: ${value}`).not.toThrow();
    }
  });

  it('parses every depends', () => {
    for (const { file, value } of found.depends) {
      expect(parseDepends(value).tasks.length, `${file}: ${value}`).toBeGreaterThan(0);
    }
  });

  it('evaluates every simple-tag when to a boolean once substituted', () => {
    for (const { file, value } of found.whens) {
      if (value.includes('{{=')) continue;
      const vars: Record<string, string> = {};
      for (const t of parseTemplate(value).tags) vars[t.body] = 'x';
      const substituted = renderTemplate(value, vars, { allowUnresolved: false });
      expect(typeof evaluateWhen(substituted), `${file}: ${value}`).toBe('boolean');
    }
  });

  it('runs the steps-when-expr-filter workflow conditions like upstream (every item runs)', () => {
    const file = join(REFERENCE, 'functional', 'steps-when-expr-filter.yaml');
    const wf = parseAllDocuments(readFileSync(file, 'utf8'))[0].toJS() as {
      spec: {
        templates: Array<{
          inputs?: { parameters: Array<{ name: string; value: string }> };
          steps?: Array<Array<{ when: string; withParam: string }>>;
        }>;
      };
    };
    const main = wf.spec.templates[0];
    const inputs: Record<string, string> = {};
    for (const p of main.inputs!.parameters)
      inputs[`inputs.parameters.${p.name}`] = renderTemplate(p.value, inputs, { allowUnresolved: false });
    expect(inputs['inputs.parameters.list']).toBe('[\n  "always",\n  "test"\n]');
    const step = main.steps![0][0];
    const items = JSON.parse(step.withParam) as Array<Record<string, string>>;
    const results = items.map((item) => {
      const vars: Record<string, string> = { ...inputs, item: JSON.stringify(item) };
      for (const [k, v] of Object.entries(item)) vars[`item.${k}`] = v;
      return evaluateWhen(renderTemplate(step.when, vars, { allowUnresolved: false }));
    });
    expect(results).toEqual([true, true, true, true]);
  });
});
