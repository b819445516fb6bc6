// redactpii-peer.mjs DIR RUNS FILE...: the npm library @redactpii/node
// (installed under DIR by scripts/bench-scan) over the given text files,
// as scripts/bench-scan compares it with breachdesk scan. It reads the
// files into memory, then times RUNS passes of the library's redact()
// over each file's whole text, and prints one JSON object: the MB/s of
// each pass (and per CPU-second of the process), and what the library matched in each file, found by
// running its own rules in its own order (each rule replaces what it
// matched before the next one runs, as redact() does).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, runs, ...files] = process.argv.slice(2);
const { Redactor } = await import(pathToFileURL(join(dir, 'node_modules/@redactpii/node/lib/index.mjs')).href);
const texts = files.map((f) => readFileSync(f, 'utf8'));
const bytes = files.reduce((n, f) => n + readFileSync(f).length, 0);
const redactor = new Redactor();

const mbps = [];
const cpuMBps = []; // per CPU-second of the process (all its threads), which a busy machine distorts less
for (let run = 0; run < Number(runs); run++) {
  const start = process.hrtime.bigint();
  const cpu = process.cpuUsage();
  let out = 0;
  for (const t of texts) out += redactor.redact(t).length;
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const used = process.cpuUsage(cpu);
  if (out === 0) throw new Error('nothing redacted');
  mbps.push(bytes / 1e6 / seconds);
  cpuMBps.push(bytes / 1e6 / ((used.user + used.system) / 1e6));
}

const replacement = { CREDIT_CARD: 'CREDIT_CARD_NUMBER', EMAIL: 'EMAIL_ADDRESS', PERSON_NAME: 'PERSON_NAME', PHONE_NUMBER: 'PHONE_NUMBER', US_SOCIAL_SECURITY_NUMBER: 'US_SOCIAL_SECURITY_NUMBER' };
const matches = {};
files.forEach((f, k) => {
  const found = [];
  let text = texts[k];
  for (const { pattern, name } of redactor.activeRules) {
    text = text.replace(new RegExp(pattern.source, pattern.flags), (m) => {
      found.push([name, m]);
      return replacement[name] ?? 'DIGITS';
    });
  }
  matches[f] = found;
});
process.stdout.write(JSON.stringify({ bytes, mbps, cpuMBps, matches }));
