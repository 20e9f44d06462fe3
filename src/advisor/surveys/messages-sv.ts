import { en } from './messages-en.js';
import type { SurveyCatalog } from './messages-en.js';

export const sv: SurveyCatalog = en;
