import { createRequire } from 'node:module';
const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const a = cpu();
if (process.argv[2] === 'esm') await import('zod');
if (process.argv[2] === 'cjs') createRequire(import.meta.url)('zod');
if (process.argv[2] === 'mini') await import('zod/mini');
if (process.argv[2] === 'v4core') await import('zod/v4/core');
console.log(process.argv[2], (cpu() - a).toFixed(1));
