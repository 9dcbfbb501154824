/** A nominal type: a string or number that the type checker keeps apart from others of the same base type. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** A grid cell: an H3 index as its 15-character hex string, or the code of a given polygon cell. */
export type CellId = Brand<string, 'CellId'>;
export type AreaId = Brand<string, 'AreaId'>;
export type SensorId = Brand<string, 'SensorId'>;
export type TeamId = Brand<string, 'TeamId'>;
export type CaseId = Brand<string, 'CaseId'>;
export type AlertId = Brand<string, 'AlertId'>;
export type RuleId = Brand<string, 'RuleId'>;
export type ReportId = Brand<string, 'ReportId'>;
/** A category's Open311 service code. */
export type ServiceCode = Brand<string, 'ServiceCode'>;

/** Epoch milliseconds, UTC. */
export type EpochMs = number;
