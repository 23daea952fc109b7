import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ErrorLineKeeper } from '../../../cli/k6-error-lines.ts';

describe('ErrorLineKeeper', () => {
  it('keeps error lines that span chunks, and a last line without a newline', () => {
    const keeper = new ErrorLineKeeper();
    keeper.add('time="a" level=info msg="start"\ntime="b" level=err');
    keeper.add('or msg="CREDENTIALS_TOO_FEW ConfigError: x"\ntail');
    assert.equal(
      keeper.text(),
      'time="b" level=error msg="CREDENTIALS_TOO_FEW ConfigError: x"\ntime="a" level=info msg="start"\ntail',
    );
  });

  it('keeps the first and the last 20 error lines of a storm, not all of them', () => {
    const keeper = new ErrorLineKeeper();
    for (let i = 0; i < 30_000; i += 1) keeper.add(`level=error msg="Uncaught ${i}"\n`);
    const lines = keeper.text().split('\n');
    assert.equal(lines.length, 40);
    assert.equal(lines[0], 'level=error msg="Uncaught 0"');
    assert.equal(lines[19], 'level=error msg="Uncaught 19"');
    assert.equal(lines[20], 'level=error msg="Uncaught 29980"');
    assert.equal(lines[39], 'level=error msg="Uncaught 29999"');
  });
});
