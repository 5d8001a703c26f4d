import { ensureStore } from './generateStore.js';
const info = await ensureStore('/work/main/bench/.stores', Number(process.argv[2]), console.log);
console.log(info);
