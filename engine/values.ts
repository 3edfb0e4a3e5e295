/**
 * The typed values SQL hands the loader, beside plain JSON (strings, numbers, booleans, lists):
 * money keeps its currency, `{ "amount": 82000, "currency": "ZAR" }` (lib.custom_value). Each
 * destination writes it in its own shape; nothing here parses text.
 */
export interface Money {
  amount: number;
  currency: string;
}

export function isMoney(v: unknown): v is Money {
  return (
    typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as Money).amount === 'number' && typeof (v as Money).currency === 'string' && Object.keys(v).length === 2
  );
}
