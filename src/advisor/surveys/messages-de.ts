import { en } from './messages-en.js';
import type { SurveyCatalog } from './messages-en.js';

export const de: SurveyCatalog = en;
