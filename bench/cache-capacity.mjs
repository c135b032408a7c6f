// Decode cost against the KV cache's capacity: one token at context L with a
// cache of capacity L + 32 (sized) or 2L (grown by doubling). Decode attends
// over every slot of the capacity (unused ones masked), so this is what a
// growth policy costs. Run: node bench/cache-capacity.mjs [small|medium] (THREADS=2).
import { convertToOnnx, Gpt2Runtime } from '@midigpt/inference';
import { randomCheckpoint, SHAPES } from './random-checkpoint.mjs';

const threads = Number(process.env.THREADS ?? 2);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const tokens = (n) => Array.from({ length: n }, (_, i) => (i * 7) % 647);

for (const name of process.argv[2] ? [process.argv[2]] : Object.keys(SHAPES)) {
  const runtime = await Gpt2Runtime.create(convertToOnnx(randomCheckpoint(SHAPES[name])), { threads });
  for (const context of [500, 1000]) {
    const caches = { sized: runtime.createCache(context + 32), doubled: runtime.createCache(2 * context) };
    for (const cache of Object.values(caches)) await runtime.prefill(tokens(context), cache);
    const times = { sized: [], doubled: [] };
    for (let i = 0; i < 30; i++)
      for (const kind of i % 2 ? ['doubled', 'sized'] : ['sized', 'doubled']) {
        const t = performance.now();
        await runtime.forward([i % 647], caches[kind]);
        times[kind].push(performance.now() - t);
      }
    const sized = median(times.sized);
    const doubled = median(times.doubled);
    console.log(`${name} context ${context}: capacity ${context + 32} ${sized.toFixed(2)} ms, capacity ${2 * context} ${doubled.toFixed(2)} ms per token (×${(doubled / sized).toFixed(2)})`);
  }
  await runtime.release();
}
