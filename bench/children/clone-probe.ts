import { benchTenant, slicePages, slicesOf } from '../lib/data';
import { cpuMs } from '../lib/stats';
const t = benchTenant(50_000);
const pages = slicesOf(t, ['DeviceProcessEvents', 'DeviceNetworkEvents', 'DeviceFileEvents']).flatMap((s) => [...slicePages(t, s)]);
const rows = pages.reduce((a, p) => a + p.length, 0);
for (let round = 0; round < 2; round++) {
  let c = cpuMs();
  for (const p of pages) structuredClone(p);
  const clone = cpuMs() - c;
  c = cpuMs();
  for (const p of pages) JSON.parse(JSON.stringify(p));
  const json = cpuMs() - c;
  c = cpuMs();
  for (const p of pages) JSON.stringify(p);
  const str = cpuMs() - c;
  console.log(`rows ${rows}: structuredClone ${(clone * 1000 / rows).toFixed(2)} us/row, stringify ${(str * 1000 / rows).toFixed(2)} us/row, stringify+parse ${(json * 1000 / rows).toFixed(2)} us/row`);
}
