// Prints the plain closing line CI reads ("N passed, N failed"), which jest's own summary is not,
// and keeps a copy so .ci/run can repeat it as the very last line of its output.
const fs = require('node:fs');
const path = require('node:path');

class SummaryReporter {
  onRunComplete(_contexts, results) {
    const skipped = results.numPendingTests + results.numTodoTests;
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const line = `${results.numPassedTests} passed, ${failed} failed` + (skipped ? `, ${skipped} skipped` : '');
    process.stdout.write(`\n${line}\n`);
    const dir = path.join(__dirname, '..', '..', '.cache');
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'test-summary.txt'), `${line}\n`);
  }
}
module.exports = SummaryReporter;
