/**
 * 读卡: an identity read from a card opens the resident with that document number, or the 建档 form pre-filled
 * from the card when there is none. The pre-fill is handed to the form in memory (never in the URL or storage:
 * it is a person's identity), taken once by the form that opens next.
 */
import type { CardIdentity } from '../../../shared/api/devices';
import { cardPrefill, type CardPrefill } from '../../../shared/domain/card-prefill';
import { api } from '../../api-client';
import { go } from '../residents/route';

let pending: CardPrefill | null = null;
let isWaiting = false;

/** The 建档 form takes the card's values once; null when it was not opened by a card. */
export function takeCardPrefill(): CardPrefill | null {
  const p = pending;
  pending = null;
  return p;
}

/** The 读卡 button is waiting for a card: the next identity opens at once wherever the doctor is. */
export function setWaitingForCard(on: boolean): void {
  isWaiting = on;
}

export function isWaitingForCard(): boolean {
  return isWaiting;
}

/** Errors from `residents.search` propagate (LOCKED, …). */
export async function openIdentity(identity: CardIdentity): Promise<'opened' | 'new'> {
  const idNumber = identity.idNumber.trim().toUpperCase();
  const hits = await api.residents.search({ query: idNumber, limit: 10 });
  const match = hits.find((r) => r.idNumber.toUpperCase() === idNumber);
  if (match) {
    go('residents', { id: match.id });
    return 'opened';
  }
  pending = cardPrefill(identity);
  // A fresh `card` value remounts a 建档 form that is already open, so it takes these values.
  go('residents', { new: '1', card: String(Date.now()) });
  return 'new';
}
