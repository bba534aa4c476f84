/**
 * French company identifiers, checked the way INSEE and the DGFiP compute
 * their keys. None of the official e-invoice validators (CEN, Factur-X,
 * BR-FR) checks these keys, so a typo would otherwise reach the buyer's
 * platform and be rejected there, weeks after the invoice was issued.
 *
 * - SIREN: 9 digits whose Luhn sum is a multiple of 10.
 * - SIRET: SIREN + 5-digit establishment number (NIC), 14 digits, Luhn as
 *   well — except La Poste (SIREN 356 000 000), whose establishments are
 *   numbered so that the digit sum is a multiple of 5 (INSEE's documented
 *   exception).
 * - Intra-EU VAT number of a French company: "FR" + 2-digit key + SIREN,
 *   key = (12 + 3 × (SIREN mod 97)) mod 97.
 *
 * Pure: spaces (the usual "123 456 789" grouping) are ignored, nothing else.
 */

export type IdentifierProblem = "format" | "key" | "siren_mismatch";

const LA_POSTE_SIREN = "356000000";

/** Removes the spaces merchants type for readability ("732 829 320 00074"). */
export function compactIdentifier(value: string): string {
  return value.replace(/[\s\u00a0]/g, "").toUpperCase();
}

/** Luhn: double every second digit from the right; valid when the sum is a multiple of 10. */
export function luhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let total = 0;
  for (let i = 0; i < digits.length; i++) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    total += digit;
  }
  return total % 10 === 0;
}

/** null when `value` is a valid SIREN, otherwise why not. */
export function sirenProblem(value: string): IdentifierProblem | null {
  const siren = compactIdentifier(value);
  if (!/^\d{9}$/.test(siren)) return "format";
  return luhnValid(siren) ? null : "key";
}

/** null when `value` is a valid SIRET (of `siren`, when given), otherwise why not. */
export function siretProblem(value: string, siren?: string): IdentifierProblem | null {
  const siret = compactIdentifier(value);
  if (!/^\d{14}$/.test(siret)) return "format";
  if (siren !== undefined && siret.slice(0, 9) !== compactIdentifier(siren)) return "siren_mismatch";
  if (siret.startsWith(LA_POSTE_SIREN)) {
    const digitSum = [...siret].reduce((acc, digit) => acc + Number(digit), 0);
    return digitSum % 5 === 0 ? null : "key";
  }
  return luhnValid(siret) ? null : "key";
}

/** The VAT key of a SIREN: "732829320" → "44" (FR44732829320). */
export function frenchVatKey(siren: string): string {
  const remainder = Number(BigInt(compactIdentifier(siren)) % 97n);
  return String((12 + 3 * remainder) % 97).padStart(2, "0");
}

/** The French intra-EU VAT number of a SIREN. */
export function frenchVatNumber(siren: string): string {
  const compact = compactIdentifier(siren);
  return `FR${frenchVatKey(compact)}${compact}`;
}

/**
 * null when `value` is a well-formed intra-EU VAT number (and, for a French
 * one, its key and SIREN are right: of `siren` when given). Other EU numbers
 * are only checked for shape (two letters, 2–13 characters): their keys are
 * each country's own.
 */
export function vatNumberProblem(value: string, siren?: string): IdentifierProblem | null {
  const vat = compactIdentifier(value);
  if (!/^[A-Z]{2}[0-9A-Z+*.]{2,13}$/.test(vat)) return "format";
  if (!vat.startsWith("FR")) return null;
  if (!/^FR[0-9A-Z]{2}\d{9}$/.test(vat)) return "format";
  const vatSiren = vat.slice(4);
  if (siren !== undefined && vatSiren !== compactIdentifier(siren)) return "siren_mismatch";
  if (sirenProblem(vatSiren) !== null) return "key";
  // Numeric keys only: the rare alphanumeric keys of the old scheme cannot be recomputed.
  if (/^\d{2}$/.test(vat.slice(2, 4)) && vat.slice(2, 4) !== frenchVatKey(vatSiren)) return "key";
  return null;
}
