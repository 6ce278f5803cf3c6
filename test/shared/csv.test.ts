import { describe, expect, it } from 'vitest';
import { csvCell, toCsv } from '../../shared/csv.js';

describe('CSV cells', () => {
  it('neutralises text a spreadsheet would run, but keeps numbers numbers', () => {
    expect(csvCell('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvCell('+1+cmd')).toBe("'+1+cmd");
    expect(csvCell('@SUM(1)')).toBe("'@SUM(1)");
    // Text starting like a negative number is still a formula when more follows.
    expect(csvCell('-1+cmd|calc')).toBe("'-1+cmd|calc");
    expect(csvCell('\tx')).toBe("'\tx");
    expect(csvCell('-0.0042')).toBe('-0.0042');
    expect(csvCell(-2)).toBe('-2');
    expect(csvCell(null)).toBe('');
  });

  it('quotes per RFC 4180 and ends every record with CRLF', () => {
    expect(toCsv([{ header: 'a', value: (r: string) => r }], ['x,y', 'say "hi"', 'two\nlines'])).toBe(
      'a\r\n"x,y"\r\n"say ""hi"""\r\n"two\nlines"\r\n',
    );
  });
});
