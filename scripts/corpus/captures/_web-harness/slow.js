const keep = [];
for (let i = 0; ; i++) { keep.push({ i, s: 'v' + i }); }
