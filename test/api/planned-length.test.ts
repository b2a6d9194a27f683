// The planned length is read where the integrations put it, so a schedule whose first change lies
// past the run's end is called out: the classic "milestones written in steps, Lightning steps the
// scheduler per epoch by default" run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type TestServer, startServer } from '../helpers/server';
import { data, mutate, query } from '../helpers/trpc-http';

let server: TestServer;

beforeAll(async () => {
  server = await startServer();
});
afterAll(() => server?.stop());

async function verdictOf(input: Record<string, unknown>) {
  const { id } = data<{ id: number }>(await mutate(server.url, 'runs.create', input, server.apiKey));
  // Ten steps of the first epoch, the LR at its base as the schedule says.
  const points = Array.from({ length: 10 }, (_, step) => ({ step, epoch: 0, lr: 0.1 }));
  data(await mutate(server.url, 'runs.log', { runId: id, points }, server.apiKey));
  return data<{ run: any }>(await query(server.url, 'runs.get', { id })).run.verdict;
}

// Milestones meant as optimizer steps; Lightning's default interval steps the scheduler per epoch.
const schedule = { name: 'MultiStepLR', params: { milestones: [30_000, 40_000], gamma: 0.1 }, interval: 'epoch', baseLr: 0.1 };

describe('planned length', () => {
  it('warns that the LR will never change on a Lightning run (max_epochs under config.lightning)', async () => {
    const v = await verdictOf({ name: 'lightning-epochs', schedule, stepsPerEpoch: 500, config: { lightning: { interval: 'epoch', frequency: 1, max_epochs: 10 } } });
    expect(v.flagged).toBe(false);
    expect(v.warnings.join('\n')).toMatch(/first changes the LR after 30,000 epochs, but the run is planned for 10 epochs: the LR will never change/);
  });

  it('and when Lightning is given max_steps', async () => {
    const v = await verdictOf({ name: 'lightning-steps', schedule, stepsPerEpoch: 500, config: { lightning: { interval: 'epoch', frequency: 1, max_epochs: -1, max_steps: 20_000 } } });
    expect(v.warnings.join('\n')).toMatch(/planned for 40 epochs: the LR will never change/);
  });

  it('says nothing when the milestones fall inside the planned run', async () => {
    const v = await verdictOf({ name: 'lightning-fits', schedule: { ...schedule, params: { milestones: [6, 8], gamma: 0.1 } }, stepsPerEpoch: 500, config: { lightning: { max_epochs: 10 } } });
    expect(v.warnings.join('\n')).not.toMatch(/never change/);
  });
});
