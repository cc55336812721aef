import { benchTenant, slicePages, slicesOf } from '../lib/data';
const t = benchTenant(50_000);
const pages = slicesOf(t, ['DeviceProcessEvents', 'DeviceNetworkEvents', 'DeviceFileEvents']).flatMap((s) => [...slicePages(t, s)]);
const rows = pages.reduce((a, p) => a + p.length, 0);
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let round = 0; round < 2; round++) {
  let c = cpu();
  for (const p of pages) structuredClone(p);
  const clone = cpu() - c;
  c = cpu();
  for (const p of pages) JSON.parse(JSON.stringify(p));
  const json = cpu() - c;
  c = cpu();
  for (const p of pages) JSON.stringify(p);
  const str = cpu() - c;
  console.log(`rows ${rows}: structuredClone ${(clone * 1000 / rows).toFixed(2)} us/row, stringify ${(str * 1000 / rows).toFixed(2)} us/row, stringify+parse ${(json * 1000 / rows).toFixed(2)} us/row`);
}
