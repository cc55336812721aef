import { describe, expect, it } from 'vitest';
import { QueryError } from '../../emulator/kql/errors';
import { parseQuery } from '../../emulator/kql/parser';

describe('KQL parser: accepted forms', () => {
  it('parses the sync client query shape', () => {
    const q = parseQuery(`DeviceProcessEvents
| where Timestamp between (datetime(2026-11-01T00:00:00.0000000Z) .. datetime(2026-11-02T00:00:00.0000000Z))
| where DeviceId in ("id1", "id2")
| order by Timestamp asc, ReportId asc
| take 100000`);
    expect(q.table).toBe('DeviceProcessEvents');
    expect(q.operators.map((o) => o.kind)).toEqual(['where', 'where', 'order', 'take']);
    const between = q.operators[0]!;
    expect(between).toMatchObject({
      kind: 'where',
      predicate: { kind: 'between', subject: { kind: 'column', name: 'Timestamp' }, low: { literal: { kind: 'datetime', value: '2026-11-01T00:00:00.0000000Z' } } },
    });
    expect(q.operators[1]).toMatchObject({ predicate: { kind: 'in', negated: false, values: [{ literal: { value: 'id1' } }, { literal: { value: 'id2' } }] } });
    expect(q.operators[2]).toEqual({ kind: 'order', keys: [{ column: 'Timestamp', descending: false }, { column: 'ReportId', descending: false }] });
    expect(q.operators[3]).toEqual({ kind: 'take', count: 100000 });
  });

  it('parses summarize count() by several columns, with and without a name', () => {
    expect(parseQuery('DeviceLogonEvents | summarize count() by DeviceId, ActionType').operators[0]).toEqual({ kind: 'summarize', countName: 'count_', by: ['DeviceId', 'ActionType'] });
    expect(parseQuery('DeviceLogonEvents | summarize n = count() by DeviceId').operators[0]).toEqual({ kind: 'summarize', countName: 'n', by: ['DeviceId'] });
  });

  it('honours and/or precedence and parentheses', () => {
    const q = parseQuery("DeviceFileEvents | where A == 'x' or B == 'y' and C == 'z'");
    expect(q.operators[0]).toMatchObject({ predicate: { kind: 'logical', op: 'or', right: { kind: 'logical', op: 'and' } } });
    const p = parseQuery("DeviceFileEvents | where (A == 'x' or B == 'y') and C == 'z'");
    expect(p.operators[0]).toMatchObject({ predicate: { kind: 'logical', op: 'and', left: { kind: 'logical', op: 'or' } } });
  });

  it('reads ago() timespans, quoted datetimes, comparisons, project, limit and sort defaults', () => {
    const q = parseQuery(`DeviceNetworkEvents | where Timestamp >= ago(7d) and Timestamp < datetime("2026-11-20") and RemotePort != 443
      | project Timestamp, RemoteIP | sort by Timestamp | limit 5`);
    const where = q.operators[0]!;
    expect(where).toMatchObject({ predicate: { left: { left: { right: { kind: 'ago', ms: 7 * 86_400_000 } } } } });
    expect(JSON.stringify(where)).toContain('2026-11-20T00:00:00.0000000Z');
    expect(q.operators[1]).toEqual({ kind: 'project', columns: ['Timestamp', 'RemoteIP'] });
    // KQL sorts descending unless told otherwise.
    expect(q.operators[2]).toEqual({ kind: 'order', keys: [{ column: 'Timestamp', descending: true }] });
    expect(q.operators[3]).toEqual({ kind: 'take', count: 5 });
    expect(parseQuery('DeviceInfo | where Timestamp > ago(12h) or Timestamp < ago(30m)').operators).toHaveLength(1);
  });

  it('accepts the documented example query (=~ and contains)', () => {
    const q = parseQuery("DeviceProcessEvents |where InitiatingProcessFileName =~ 'powershell.exe' |where ProcessCommandLine contains 'appdata'|project Timestamp, FileName, InitiatingProcessFileName, DeviceId|limit 2");
    expect(q.operators.map((o) => o.kind)).toEqual(['where', 'where', 'project', 'take']);
  });

  it('accepts !in, between on numbers and comments', () => {
    const q = parseQuery(`// a comment
DeviceNetworkEvents | where RemotePort !in (80, 443) | where LocalPort between (49152 .. 65535)`);
    expect(q.operators[0]).toMatchObject({ predicate: { kind: 'in', negated: true } });
    expect(q.operators[1]).toMatchObject({ predicate: { kind: 'between', low: { literal: { value: 49152 } } } });
  });
});

describe('KQL parser: clear errors outside the subset', () => {
  const refuses = (query: string, message: RegExp) => {
    let caught: unknown;
    try {
      parseQuery(query);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(QueryError);
    expect((caught as Error).message).toMatch(message);
  };

  it('names unsupported operators and lists what is supported', () => {
    refuses('DeviceProcessEvents | extend x = 1', /Unsupported operator 'extend'.*supports: where, project/);
    refuses('DeviceProcessEvents | join (DeviceInfo) on DeviceId', /Unsupported operator 'join'/);
    refuses('DeviceProcessEvents | top 10 by Timestamp', /Unsupported operator 'top'/);
  });

  it('refuses other aggregations, functions and operators', () => {
    refuses('DeviceProcessEvents | summarize dcount(DeviceId)', /summarize supports count\(\) only/);
    refuses('DeviceProcessEvents | summarize count() by bin(Timestamp, 1h)', /bin\(\)/);
    refuses("DeviceProcessEvents | where tolower(FileName) == 'x'", /Unsupported function 'tolower\(\)'/);
    refuses("DeviceProcessEvents | where FileName matches regex 'x'", /Unsupported operator 'matches'/);
    refuses('DeviceProcessEvents | project x = FileName', /Computed columns/);
  });

  it('reports syntax errors with a position', () => {
    refuses('DeviceProcessEvents | where', /found the end of the query/);
    refuses("DeviceProcessEvents | where FileName == 'x", /Unterminated string literal starting at position 41/);
    refuses('DeviceProcessEvents | take many', /whole number after 'take'/);
    refuses('DeviceProcessEvents | where Timestamp > ago(7)', /ago\(\) takes a timespan/);
    refuses('DeviceProcessEvents | where Timestamp > datetime(yesterday)', /Invalid datetime literal/);
    refuses('DeviceProcessEvents DeviceInfo', /separated by '\|'/);
    refuses('', /empty/);
  });
});
