const https = require('https');
const fs = require('fs');
const [url, ca] = process.argv.slice(2);
const opts = ca ? { ca: fs.readFileSync(ca) } : {};
https.get(url, opts, (res) => { console.log('status', res.statusCode); res.resume(); });
