const { Worker } = require('worker_threads');
const w = new Worker('const k=[]; for(;;) k.push(new Array(1000).fill(1));', { eval: true, resourceLimits: { maxOldGenerationSizeMb: 16 } });
w.on('error', (e) => { console.error(e); process.exit(1); });
