import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { phaseAt } from '../../../lib/core/scenario/phase-tag.ts';

describe('phaseAt', () => {
  const phases = [
    { name: 'step-1', startMs: 0, endMs: 3000 },
    { name: 'step-2', startMs: 4000, endMs: 7000 },
  ];

  it('finds the phase an elapsed time falls in, start inclusive and end exclusive', () => {
    assert.equal(phaseAt(phases, 0)?.name, 'step-1');
    assert.equal(phaseAt(phases, 2999)?.name, 'step-1');
    assert.equal(phaseAt(phases, 4000)?.name, 'step-2');
  });

  it('gives null between phases and after the last', () => {
    assert.equal(phaseAt(phases, 3000), null);
    assert.equal(phaseAt(phases, 7000), null);
  });
});
