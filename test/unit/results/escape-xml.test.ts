import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeXml } from '../../../lib/core/results/escape-xml.ts';

describe('escapeXml', () => {
  it('escapes the five XML specials', () => {
    assert.equal(
      escapeXml(`<a href="x">'&'</a>`),
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });

  it('escapes the five XML specials and drops characters XML 1.0 cannot hold', () => {
    assert.equal(
      escapeXml(`<a b="c" d='e'>&\u0000\u0008\u000b\t\n`),
      '&lt;a b=&quot;c&quot; d=&apos;e&apos;&gt;&amp;\t\n',
    );
  });
});
