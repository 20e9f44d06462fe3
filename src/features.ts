/**
 * Every feature of the advisor, in the order help lists them. Adding a feature is its folder plus one line here: an
 * explicit list typechecks and survives bundling, which scanning folders at run time would not.
 */
import { analysesFeature } from './advisor/analyses/feature.js';
import { answers } from './advisor/answers/feature.js';
import { help } from './advisor/help/feature.js';
import { privacy } from './advisor/privacy/feature.js';
import { pollsFeature } from './advisor/polls/feature.js';
import { profile } from './advisor/profile/feature.js';
import { roles } from './advisor/roles/feature.js';
import { surveysFeature } from './advisor/surveys/feature.js';
import type { Feature } from './core/feature.js';
import { whys } from './dialogs/whys/feature.js';

export const FEATURES: readonly Feature[] = [help, answers, whys, profile, analysesFeature, pollsFeature, surveysFeature, roles, privacy];
