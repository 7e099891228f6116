const http = require('http');
http.get(`http://${process.argv[2]}:8000/api/health`, (r) => r.resume());
