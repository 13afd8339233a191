import 'server-only';
import { say, type MessageKey, type MessageParams } from '@/lib/i18n/messages';
import type { ReleaseStatus } from '@/lib/release/model';

/** A release's status message: the English text for kubectl, and its code and parameters for the console's reader. */
export function statusMessage(code: MessageKey, params?: MessageParams): Pick<ReleaseStatus, 'message' | 'messageCode' | 'messageParams'> {
  const said = say(code, params);
  return { message: said.message, messageCode: said.code, messageParams: said.params };
}
