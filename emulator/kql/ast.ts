// The syntax tree of the KQL subset the emulator runs.

export type Literal =
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number }
  | { kind: 'bool'; value: boolean }
  | { kind: 'null' }
  /** Canonical 7-digit ISO string. */
  | { kind: 'datetime'; value: string }
  /** Milliseconds. */
  | { kind: 'timespan'; value: number };

export type CompareOp = '==' | '!=' | '<' | '<=' | '>' | '>=' | '=~' | '!~';
export type StringOp = 'contains' | '!contains' | 'has' | '!has' | 'startswith' | '!startswith' | 'endswith' | '!endswith';

export type Expr =
  | { kind: 'column'; name: string; pos: number }
  | { kind: 'literal'; literal: Literal }
  /** ago(timespan), resolved against the server clock at run time. */
  | { kind: 'ago'; ms: number }
  | { kind: 'now' }
  | { kind: 'compare'; op: CompareOp; left: Expr; right: Expr }
  | { kind: 'string-op'; op: StringOp; left: Expr; right: Expr }
  | { kind: 'logical'; op: 'and' | 'or'; left: Expr; right: Expr }
  | { kind: 'not'; expr: Expr }
  | { kind: 'between'; subject: Expr; low: Expr; high: Expr; negated: boolean }
  | { kind: 'in'; subject: Expr; values: Expr[]; negated: boolean };

export interface OrderKey {
  column: string;
  descending: boolean;
}

export type Operator =
  | { kind: 'where'; predicate: Expr }
  | { kind: 'project'; columns: string[] }
  | { kind: 'order'; keys: OrderKey[] }
  | { kind: 'take'; count: number }
  | { kind: 'summarize'; countName: string; by: string[] };

export interface Query {
  table: string;
  operators: Operator[];
}
