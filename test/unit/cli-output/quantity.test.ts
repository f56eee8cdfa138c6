// Expected values are what k8s.io/apimachinery's resource.Quantity writes back after parsing the input.
import { describe, expect, it } from 'vitest';
import { canonicalQuantity } from '../../../src/cli/output/quantity.js';
import { toJson } from '../../../src/cli/output/serialize.js';

describe('canonicalQuantity', () => {
  it.each([
    ['100m', '100m'],
    ['1000m', '1'],
    ['1.5', '1500m'],
    ['0.5', '500m'],
    ['1.0', '1'],
    ['+1', '+1'],
    ['01', '01'],
    ['1000', '1k'],
    ['1500', '1500'],
    ['1e3', '1e3'],
    ['12e2', '1200'],
    ['1.5e3', '1500'],
    ['128Mi', '128Mi'],
    ['100Mi', '100Mi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['0.5Ki', '512'],
    ['0.0000000001', '1n'],
    ['-0.5', '-500m'],
    ['0.0', '0'],
    ['bogus', 'bogus'],
  ])('%s is written as %s', (input, output) => {
    expect(canonicalQuantity(input)).toBe(output);
  });

  it('is applied to resource lists when serializing', () => {
    const wf = {
      metadata: { name: 'x' },
      spec: {
        templates: [
          { name: 'a', container: { image: 'i', resources: { limits: { memory: '1024Mi', cpu: 0.5 } } } },
        ],
      },
    };
    const out = JSON.parse(toJson(wf, { type: 'Workflow' })) as {
      spec: { templates: { container: unknown }[] };
    };
    expect(out.spec.templates[0].container).toEqual({
      name: '',
      image: 'i',
      resources: { limits: { cpu: '500m', memory: '1Gi' } },
    });
  });
});
