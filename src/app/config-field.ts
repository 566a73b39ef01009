// One config field as a form control, from its schema entry: numbers, enums, booleans, strings and lists.
// Pure helpers here; <setup-form> renders them.
import { fieldSpec, type FieldSpec } from '../loop/config.ts';

/** The value a control's text stands for, in the type the schema wants (checked later by withField). */
export function valueFromInput(spec: FieldSpec, text: string, checked: boolean): unknown {
  switch (spec.kind) {
    case 'number':
      return text.trim() === '' ? NaN : Number(text);
    case 'number-or-null':
      return text.trim() === '' || text.trim() === 'auto' ? null : Number(text);
    case 'boolean':
      return checked;
    case 'string-list':
      return text.split(',').map((s) => s.trim()).filter(Boolean);
    default:
      return text;
  }
}

export function inputText(value: unknown): string {
  if (value === null) return '';
  if (Array.isArray(value)) return value.join(', ');
  return String(value);
}

export function specOf(key: string): FieldSpec {
  const spec = fieldSpec(key);
  if (!spec) throw new Error(`no config field "${key}"`);
  return spec;
}

/** Step for a number input: whole numbers step by 1; rates by 0.01; learning rates by any amount. */
export function numberStep(spec: FieldSpec): string {
  if (spec.kind !== 'number' && spec.kind !== 'number-or-null') return 'any';
  if (spec.integer) return '1';
  return 'any';
}

export { withField } from '../loop/config.ts';
