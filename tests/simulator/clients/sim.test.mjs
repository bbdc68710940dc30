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

test('reports and search modes, and scripted report endings', async () => {
  const sim = await startSimulator({ config: { rate_limits: { reports_records: 0, reports_async: 0 } } });
  const api = (path, init = {}) =>
    fetch(`${sim.baseUrl}${path}`, { ...init, headers: { authorization: basic, 'content-type': 'application/json' } });
  try {
    const now = await sim.control.clock();
    await sim.control.seed({
      records: [
        { product: 'sms', id: 'A', to: '447700900123', created_ms: now - 7_200_000 },
        { product: 'sms', id: 'B', to: '447700900999', created_ms: now - 7_200_000 },
      ],
    });
    const iso = (ms) => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
    const window = `date_start=${iso(now - 10_800_000)}&date_end=${iso(now)}`;
    const scan = async () => {
      const res = await api(`/v2/reports/records?product=SMS&direction=outbound&${window}&to=447700900123`);
      return (await res.json()).records.map((r) => r.message_id);
    };
    assert.deepEqual(await scan(), ['A']);
    const modes = await sim.control.reportsModes({ filter_match: 'prefix' });
    assert.equal(modes.filter_match, 'prefix');
    assert.equal((await sim.control.reportsModes()).page_size, 1000);
    assert.deepEqual(await scan(), ['A', 'B']);

    const queue = await sim.control.scriptReports([{ outcome: 'FAILED' }, { product: 'VOICE-CALL', outcome: 'ABORTED' }]);
    assert.equal(queue.length, 2);
    const created = await api('/v2/reports', {
      method: 'POST',
      body: JSON.stringify({ product: 'SMS', account_id: 'sim-key', direction: 'outbound', to: '447700900123' }),
    });
    const { request_id: id } = await created.json();
    await sim.control.advanceClock(60_000);
    const status = await (await api(`/v2/reports/${id}`)).json();
    assert.equal(status.request_status, 'FAILED');
    assert.deepEqual(await sim.control.reportScript(), [{ product: 'VOICE-CALL', outcome: 'ABORTED' }]);
    await sim.control.clearReportScript();
    assert.deepEqual(await sim.control.reportScript(), []);

    const search = `${sim.baseUrl}/search/messages?api_key=sim-key&api_secret=sim-secret&ids=A`;
    assert.equal((await fetch(search)).status, 200);
    assert.equal((await sim.control.searchModes({ availability: 'retired_410' })).availability, 'retired_410');
    assert.equal((await fetch(search)).status, 410);
    assert.equal((await sim.control.searchModes()).empty_as_object, false);
  } finally {
    await sim.stop();
  }
});
