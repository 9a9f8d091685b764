// `npm start`: the whole pipeline (see `eaio start --help`).
process.argv.splice(2, 0, 'start');
await import('./cli');

export {};
