import { expect, it } from 'vitest';
import { admission, OperationsExhaustedError } from '../../src/plugins/admission.js';

it('refuses a run that waited waitMs for a place, and gives that place back without starting it', async () => {
  const admitted = admission({ max: 1, queueMax: 5, waitMs: 1 });
  let finishFirst = () => {};
  const first = admitted(() => new Promise<string>((resolve) => (finishFirst = () => resolve('first'))));
  let secondStarted = false;
  const second = admitted(async () => {
    secondStarted = true;
    return 'second';
  });
  // The first holds the only place until it is finished, which happens only after the second gave up.
  await expect(second).rejects.toBeInstanceOf(OperationsExhaustedError);
  await expect(second).rejects.toMatchObject({ extensions: { code: 'OPERATIONS_EXHAUSTED' } });
  finishFirst();
  expect(await first).toBe('first');
  expect(await admitted(async () => 'third')).toBe('third');
  expect(secondStarted).toBe(false);
});

it('gives the place back when a run fails, and refuses at once past the queue', async () => {
  const admitted = admission({ max: 1, queueMax: 0, waitMs: 60_000 });
  await expect(admitted(() => Promise.reject(new Error('store went away')))).rejects.toThrow('store went away');
  let finish = () => {};
  const held = admitted(() => new Promise<void>((resolve) => (finish = resolve)));
  await expect(admitted(async () => 'no room')).rejects.toMatchObject({
    extensions: { code: 'OPERATIONS_EXHAUSTED' },
  });
  finish();
  await held;
  expect(await admitted(async () => 'room again')).toBe('room again');
});
