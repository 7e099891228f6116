const [url] = process.argv.slice(2);
await fetch(url);
