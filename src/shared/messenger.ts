import { browser, type Runtime } from './browser-api';
import { errorText } from './error-text';
import { t } from './i18n';
import { serializeError } from './job-state';
import {
  ALL_MESSAGES,
  isOwnSender,
  type Message,
  type MessageType,
  parseMessage,
  type Reply,
  type ReplyValue,
} from './protocol';

/** The error a rejected request rethrows on the caller's side; match it by `name`, not instanceof. */
export class RemoteError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

const NOT_AWAKE = 'Receiving end does not exist';

/** Sends one request and returns its value, or throws the receiver's error. Retries only while nobody listens yet. */
export async function request<K extends MessageType>(message: Message<K>): Promise<ReplyValue<K>> {
  for (let attempt = 0; ; attempt++) {
    try {
      const reply = (await browser.runtime.sendMessage(message)) as Reply<ReplyValue<K>> | undefined;
      if (!reply) throw new RemoteError('NoReply', t('request_no_reply', message.type), null);
      if (reply.ok) return reply.value;
      throw new RemoteError(reply.error.name, errorText(reply.error), reply.error.code);
    } catch (error) {
      if (attempt >= 4 || !(error instanceof Error) || !error.message.includes(NOT_AWAKE)) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100 * 2 ** attempt));
    }
  }
}

export type Handler = (message: Message) => Promise<unknown>;

/**
 * Wires a receiver: drops messages from anyone but this extension's own pages, validates the payload, and
 * replies `{ok, value | error}`. Messages of other receivers' types are left unanswered for them.
 */
export function listen(accepted: readonly MessageType[], handle: Handler): void {
  const origin = browser.runtime.getURL('');
  const others = ALL_MESSAGES.filter((t) => !accepted.includes(t)) as readonly string[];
  // A listener answers with the promise it returns (webextension-polyfill in Chromium, natively in Firefox);
  // `undefined` leaves the message to another receiver.
  browser.runtime.onMessage.addListener((raw: unknown, sender: Runtime.MessageSender) => {
    const type = (raw as { type?: unknown } | null)?.type;
    if (typeof type === 'string' && others.includes(type)) return undefined;
    if (!isOwnSender(sender, browser.runtime.id, origin))
      return Promise.resolve({
        ok: false,
        error: { name: 'ForbiddenSender', code: null, message: 'sender rejected' },
      });
    const parsed = parseMessage(raw, accepted);
    if (!parsed.ok)
      return Promise.resolve({
        ok: false,
        error: { name: 'InvalidMessage', code: null, message: parsed.error },
      });
    return handle(parsed.value).then(
      (value): Reply<unknown> => ({ ok: true, value: value ?? null }),
      (error: unknown): Reply<unknown> => ({ ok: false, error: serializeError(error) }),
    );
  });
}
