/**
 * The server settings of the dev servers baton starts (`baton dev`, the demo, the tests, the bench)
 * and of the production dynamic config: the ones a turn's latency depends on are set in both.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEV_TRANSFER_POLL_RPS,
  devServerDynamicConfig,
  EAGER_ACTIVITY_CONFIG_KEY,
  TRANSFER_POLL_RPS_CONFIG_KEY,
} from '../../src/temporal/dev-server';

const PRODUCTION = fs.readFileSync(
  path.join(__dirname, '..', '..', 'deploy', 'temporal', 'dynamicconfig', 'production-sql.yaml'),
  'utf8',
);

describe('the dev server baton starts', () => {
  it('dispatches activities eagerly and reads its transfer queue without the 50 ms slots of the default', () => {
    expect(devServerDynamicConfig({})).toEqual({
      'system.enableActivityEagerExecution': true,
      'history.transferProcessorMaxPollRPS': DEV_TRANSFER_POLL_RPS,
    });
    // Temporal's default is 20 reads a second, a slot every 50 ms.
    expect(DEV_TRANSFER_POLL_RPS).toBeGreaterThan(20);
  });

  it('can leave eager dispatch off, to measure what it saves', () => {
    expect(devServerDynamicConfig({ eagerActivities: false })).toMatchObject({
      [EAGER_ACTIVITY_CONFIG_KEY]: false,
      [TRANSFER_POLL_RPS_CONFIG_KEY]: DEV_TRANSFER_POLL_RPS,
    });
  });

  it('uses the keys the production dynamic config sets', () => {
    for (const key of Object.keys(devServerDynamicConfig({}))) {
      expect(PRODUCTION).toMatch(new RegExp(`^${key.replace(/\./g, '\\.')}:$`, 'm'));
    }
  });
});
