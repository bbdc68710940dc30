// Self-test of the Node helper: `node --test tests/simulator/clients/sim.test.mjs`
// (needs a built binary, or cargo to build one).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startSimulator } from './sim.mjs';

const basic = 'Basic ' + Buffer.from('sim-key:sim-secret').toString('base64');

test('starts, seeds, redacts, reads state, stops', async () => {
  const sim = await startSimulator({ config: { rate_limits: { redact: 5 } } });
  try {
    assert.match(sim.baseUrl, /^http:\/\/127\.0\.0\.1:\d+$/);
    await sim.control.seed({ records: [{ product: 'sms', id: 'ABC', to: '447700900001', age_ms: 7_200_000 }] });
    const res = await fetch(`${sim.baseUrl}/v1/redact/transaction`, {
      method: 'POST',
      headers: { authorization: basic, 'content-type': 'application/json' },
      body: JSON.stringify({ id: 'ABC', product: 'sms', type: 'outbound' }),
    });
    assert.equal(res.status, 204);
    assert.equal((await sim.control.record('sms', 'ABC')).to, 'REDACTED');
    const state = await sim.control.state();
    assert.deepEqual(state.redactions, [{ product: 'sms', type: 'outbound', id: 'ABC', count: 1 }]);
    const before = await sim.control.clock();
    assert.ok((await sim.control.advanceClock(3_600_000)) >= before + 3_600_000);
    assert.equal((await sim.control.settings()).rate_limits.redact, 5);
    await sim.control.setFaults({ seed: 1, rules: [{ route: '*', error_503: 1 }] });
    const faulted = await fetch(`${sim.baseUrl}/v3/media/x/info`);
    assert.equal(faulted.status, 503);
    await sim.control.clearFaults();
    const log = await sim.control.log({ route: 'POST /v1/redact/transaction' });
    assert.equal(log.entries.length, 1);
    await sim.control.reset();
    assert.equal((await sim.control.state()).records.total, 0);
  } finally {
    await sim.stop();
  }
  assert.throws(() => process.kill(sim.pid, 0));
});
