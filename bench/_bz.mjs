const cpu = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
const a = cpu();
const m = await import(process.argv[2]);
const b = cpu();
m.parseCallText('{"schemaVersion":1}');
console.log((b - a).toFixed(1), 'first parse', (cpu() - b).toFixed(1));
