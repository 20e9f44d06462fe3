/** What the surveys feature says, in English, German and Swedish (one catalog; the languages in their own files). */
import { defineMessages } from '../../core/i18n.js';
import { de } from './messages-de.js';
import { en } from './messages-en.js';
import { sv } from './messages-sv.js';

export const surveyMessages = defineMessages({ en, de, sv });
