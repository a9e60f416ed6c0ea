/**
 * 读卡: an identity read from a card opens the resident with that document number, or the 建档 form pre-filled
 * from the card when there is none. The pre-fill is handed to the form in memory (never in the URL or storage:
 * it is a person's identity), taken once by the form that opens next.
 */
import type { CardIdentity, CardPhotoMeta } from '../../../shared/api/devices';
import { cardPrefill, type CardPrefill } from '../../../shared/domain/card-prefill';
import { api } from '../../api-client';
import { go } from '../residents/route';

let pending: CardPrefill | null = null;
let isWaiting = false;
/** The photo of the card that opened the 建档 form (held in the runtime), stored once the record exists. */
let pendingPhoto: { photoId: string; idNumber: string } | null = null;

/** The held photo for a record just created from a card, when that record is the card holder's. */
export function takeCardPhoto(idNumber: string): string | null {
  const p = pendingPhoto;
  pendingPhoto = null;
  return p && p.idNumber === idNumber.trim().toUpperCase() ? p.photoId : null;
}

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

/**
 * `photo` is set only when the clinic stores card photos: it is stored with the matching resident, or with the
 * record the 建档 form creates for this card. Errors from `residents.search` and `devices.storeCardPhoto` propagate.
 */
export async function openIdentity(identity: CardIdentity, photo: CardPhotoMeta | null = null): Promise<'opened' | 'new'> {
  const idNumber = identity.idNumber.trim().toUpperCase();
  const hits = await api.residents.search({ query: idNumber, limit: 10 });
  const match = hits.find((r) => r.idNumber.toUpperCase() === idNumber);
  pendingPhoto = null;
  if (match) {
    go('residents', { id: match.id });
    if (photo) await api.devices.storeCardPhoto({ residentId: match.id, photoId: photo.photoId });
    return 'opened';
  }
  if (photo) pendingPhoto = { photoId: photo.photoId, idNumber };
  pending = cardPrefill(identity);
  // A fresh `card` value remounts a 建档 form that is already open, so it takes these values.
  go('residents', { new: '1', card: String(Date.now()) });
  return 'new';
}
