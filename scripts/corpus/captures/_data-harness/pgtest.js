const { Client } = require('pg');
const port = +(process.argv[3]||5432);
const c = new Client({ host: '127.0.0.1', port, user: 'appuser', password: process.argv[2]||'wrong', database: 'appdb' });
c.connect().then(()=>{console.log('ok'); return c.end();}).catch(e => { console.error(e); process.exit(1); });
