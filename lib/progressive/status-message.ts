import 'server-only';
import { say, type MessageKey, type MessageParams } from '@/lib/i18n/messages';
import type { ApprovalRequest, Because, ReleaseStatus } from '@/lib/release/model';

/** A release's status message: the English text for kubectl, and its code and parameters for the console's reader. */
export function statusMessage(code: MessageKey, params?: MessageParams): Pick<ReleaseStatus, 'message' | 'messageCode' | 'messageParams'> {
  const said = say(code, params);
  return { message: said.message, messageCode: said.code, messageParams: said.params };
}

/** A reason the server gives (the controller, an analysis): its code, and the English the catalogue makes of it. */
export function reason(code: MessageKey, params?: MessageParams): Because {
  const said = say(code, params);
  return { reason: said.message, why: params ? { code, params } : { code } };
}

/** What an approval request asks for: the English for kubectl, the code for the reader's language. */
export function approvalSummary(code: MessageKey, params?: MessageParams): Pick<ApprovalRequest, 'summary' | 'summaryWhy'> {
  const { reason: summary, why: summaryWhy } = reason(code, params);
  return { summary, summaryWhy };
}
