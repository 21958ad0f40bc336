// Lists the files in the packaged .vsix (a zip) and fails unless it holds what VS Code needs and
// nothing it should not (sources, tests, node_modules). No dependencies: it reads the zip's
// central directory itself.
import { readFileSync } from 'node:fs';

const manifest = JSON.parse(readFileSync('package.json', 'utf8'));
const file = process.argv[2] ?? `${manifest.name}-${manifest.version}.vsix`;
const zip = readFileSync(file);

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
let end = zip.length - 22;
while (end >= 0 && zip.readUInt32LE(end) !== END_OF_CENTRAL_DIRECTORY) {
  end--;
}
if (end < 0) {
  throw new Error(`${file} is not a zip file`);
}
const count = zip.readUInt16LE(end + 10);
let offset = zip.readUInt32LE(end + 16);
const names = [];
for (let i = 0; i < count; i++) {
  if (zip.readUInt32LE(offset) !== CENTRAL_FILE_HEADER) {
    throw new Error(`${file}: malformed central directory`);
  }
  const nameLength = zip.readUInt16LE(offset + 28);
  const extraLength = zip.readUInt16LE(offset + 30);
  const commentLength = zip.readUInt16LE(offset + 32);
  names.push(zip.toString('utf8', offset + 46, offset + 46 + nameLength));
  offset += 46 + nameLength + extraLength + commentLength;
}

const required = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/language-configuration.json',
  'extension/syntaxes/plan.tmLanguage.json',
  'extension/LICENSE.txt',
];
const missing = required.filter((name) => !names.includes(name));
const unwanted = names.filter((name) => /^extension\/(src|test|out|scripts|node_modules)\//.test(name) || name.endsWith('.map'));
if (missing.length > 0 || unwanted.length > 0) {
  console.error(`${file}: missing ${JSON.stringify(missing)}, unwanted ${JSON.stringify(unwanted)}`);
  process.exit(1);
}
console.log(`${file}: ${names.length} entries, as expected`);
