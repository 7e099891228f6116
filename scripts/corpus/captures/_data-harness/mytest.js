const mysql = require('mysql');
const c = mysql.createConnection({host: process.argv[2]||'127.0.0.1', port: +(process.argv[3]||3306), user: 'app', password: process.argv[4]||'wrong', database: 'appdb'});
c.connect(err => { if (err) { console.error(err); process.exit(1);} console.log('ok'); c.end(); });
