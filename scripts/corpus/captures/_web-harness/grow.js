const keep = [];
for (;;) keep.push(new Array(1000).fill({ a: Math.random() }));
