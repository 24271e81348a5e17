import type { VerifyResult } from '../verify.js';
import { renderHtml } from './html.js';
import { renderJson } from './json.js';
import { renderJunit } from './junit.js';
import { renderText } from './text.js';

export type ReportFormat = 'text' | 'json' | 'junit' | 'html';

export const REPORTERS: Readonly<Record<ReportFormat, (result: VerifyResult) => string>> = {
  text: renderText,
  json: renderJson,
  junit: renderJunit,
  html: renderHtml,
};

export { renderHtml, renderJson, renderJunit, renderText };
export { jsonReport, verifyPassed, JSON_REPORT_FORMAT, JSON_REPORT_VERSION, type JsonReport } from './json.js';
export { progressBar } from './progress.js';
export { renderEvalSarif, renderVerifySarif, SARIF_SCHEMA, type PolicySource, type SarifOptions } from './sarif.js';
